from flask import Blueprint

bp = Blueprint("encounters", __name__)
