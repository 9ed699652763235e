"""SCAFFOLD: replaced by the work that owns this module."""

from django.http import HttpResponse


def queue(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def contact_detail(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def contact_claim(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def contact_reassign(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def contact_identify_child(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def contact_decide(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def contact_authorise(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)
