"""SCAFFOLD"""

from ninja import Router

router = Router()
