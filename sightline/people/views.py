"""SCAFFOLD: replaced by the work that owns this module."""

from django.http import HttpResponse


def search(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def break_glass(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def access_trail(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def break_glass_report(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)
