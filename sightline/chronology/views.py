"""SCAFFOLD: replaced by the work that owns this module."""

from django.http import HttpResponse


def person_page(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def person_print(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)
