from flask_smorest import Blueprint

blp = Blueprint("api_directory", __name__, url_prefix="/api/v1", description="Service directory (HSDS)")
