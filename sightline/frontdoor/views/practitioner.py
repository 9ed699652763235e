"""SCAFFOLD: replaced by the work that owns this module."""

from django.http import HttpResponse


def contact_new(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def contact_sent(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)
