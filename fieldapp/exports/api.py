from flask_smorest import Blueprint

blp = Blueprint("api_exports", __name__, url_prefix="/api/v1/exports", description="Exports")
