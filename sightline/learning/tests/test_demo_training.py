"""The demo's training year shows the trainer's registers and charges in every state."""

from __future__ import annotations

import pytest

from sightline.demo.learning import load_learning_demo
from sightline.learning.models import NonAttendanceCharge, TrainingSession
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_has_sessions_led_by_a_sign_in_and_charges_invoiced_and_paid(agencies):
    trainer = f.user(
        agencies["health"], "practitioner", "health_visitor", username="health.visitor"
    )
    load_learning_demo(seed=11)
    led = TrainingSession.objects.filter(trainer=trainer)
    assert led.exists()
    assert led.filter(bookings__attendance_recorded_by=trainer).exists()
    states = set(NonAttendanceCharge.objects.values_list("status", flat=True))
    assert {"outstanding", "invoiced", "paid"} <= states
