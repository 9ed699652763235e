"""SCAFFOLD: replaced by the work that owns this module."""

from django.http import HttpResponse


def inbox(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def request_new(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def request_answer(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)
