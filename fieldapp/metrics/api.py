from flask_smorest import Blueprint

blp = Blueprint("api_metrics", __name__, url_prefix="/api/v1", description="Program metrics")
