"""SCAFFOLD: replaced by the work that owns this module."""

from django.http import HttpResponse


def start(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def check_answers(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def sent(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)


def question(request, *args, **kwargs):
    return HttpResponse("not built yet", status=501)
