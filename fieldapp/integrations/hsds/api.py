"""The directory as Open Referral HSDS 3.0 (the HSDS API's /services), for other directories and 211s."""

from flask import jsonify
from flask_smorest import Blueprint

from fieldapp.apidoc import json_document
from fieldapp.directory import place_services as places
from fieldapp.directory import services as directory
from fieldapp.integrations.hsds import export
from fieldapp.integrations.hsds.schemas import HsdsPageQuerySchema
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER, PROGRAM_MANAGER
from fieldapp.web.access import allow

blp = Blueprint("api_hsds", __name__, url_prefix="/api/v1/hsds",
                description="The service directory in Open Referral HSDS 3.0 (docs/hsds.md)")

# The people who see the directory today. Named one by one (not ANY_ROLE) so integration accounts,
# which have roles of their own, do not get the directory by accident.
STAFF = (OFFICER, CLINICIAN, DISPATCHER, PROGRAM_MANAGER, ADMIN)


@blp.route("/services", methods=["GET"])
@blp.arguments(HsdsPageQuerySchema, location="query")
@blp.doc(**json_document("A page of HSDS 3.0 services, paged like the HSDS API."))
@allow(*STAFF)
def list_services(query):
    """Every service (any status) as HSDS 3.0 ``service`` objects, in the HSDS API's paged list
    (``total_items``, ``total_pages``, ``page_number``, ``size``, ``first_page``, ``last_page``,
    ``empty``, ``contents``). ``page`` from 1, ``per_page`` up to 100 (default 50)."""
    page, per_page = query["page"], query["per_page"]
    total, found = directory.page_of_services(page, per_page)
    rows = places.places_of(service.id for service in found)
    contents = [export.service_document(service, rows[service.id]) for service in found]
    return jsonify(export.page_document(contents, total=total, page=page, per_page=per_page))


@blp.route("/services/<uuid:service_id>", methods=["GET"])
@blp.doc(**json_document("One HSDS 3.0 service (schema/compiled/service.json of the standard)."))
@allow(*STAFF)
def get_service(service_id):
    """One service as an HSDS 3.0 ``service`` object with its organization, phones, schedules,
    locations and category (as an attribute of the ``fieldapp-category`` taxonomy)."""
    service = directory.get_service(service_id)
    return jsonify(export.service_document(service, places.places_of([service.id])[service.id]))
