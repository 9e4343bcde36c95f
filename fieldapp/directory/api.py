from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.directory import services
from fieldapp.directory.schemas import (
    OrganizationSchema,
    OrganizationUpdateSchema,
    ServiceQuerySchema,
    ServiceSchema,
    ServiceUpdateSchema,
)
from fieldapp.roles import ADMIN
from fieldapp.web.access import ANY_ROLE, allow

blp = Blueprint("api_directory", __name__, url_prefix="/api/v1",
                description="Service directory: organizations and the services they offer (Open Referral HSDS 3.0)")


@blp.route("/services", methods=["GET"])
@blp.arguments(ServiceQuerySchema, location="query")
@blp.response(200, ServiceSchema(many=True))
@allow(ANY_ROLE)
def list_services(query):
    """Search services by words in their name, description or organization's name, and by category.
    Only active services unless ``include_inactive``. Ordered by name; at most 100."""
    return services.search_services(**query)


@blp.route("/services/<uuid:service_id>", methods=["GET"])
@blp.response(200, ServiceSchema)
@allow(ANY_ROLE)
def get_service(service_id):
    return services.get_service(service_id)


@blp.route("/services", methods=["POST"])
@blp.arguments(ServiceSchema)
@blp.response(201, ServiceSchema)
@allow(ADMIN)
def create_service(data):
    """Add a service to an organization already in the directory. It starts ``active`` unless told."""
    return services.create_service(data, by=current_user)


@blp.route("/services/<uuid:service_id>", methods=["PATCH"])
@blp.arguments(ServiceUpdateSchema)
@blp.response(200, ServiceSchema)
@allow(ADMIN)
def update_service(data, service_id):
    """Change some of a service's fields, e.g. ``{"status": "temporarily closed"}``."""
    return services.update_service(service_id, data, by=current_user)


@blp.route("/organizations", methods=["GET"])
@blp.response(200, OrganizationSchema(many=True))
@allow(ANY_ROLE)
def list_organizations():
    return services.list_organizations()


@blp.route("/organizations", methods=["POST"])
@blp.arguments(OrganizationSchema)
@blp.response(201, OrganizationSchema)
@allow(ADMIN)
def create_organization(data):
    """Add an organization. Names are unique, whatever their case."""
    return services.create_organization(data, by=current_user)


@blp.route("/organizations/<uuid:org_id>", methods=["PATCH"])
@blp.arguments(OrganizationUpdateSchema)
@blp.response(200, OrganizationSchema)
@allow(ADMIN)
def update_organization(data, org_id):
    return services.update_organization(org_id, data, by=current_user)
