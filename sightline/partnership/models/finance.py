"""The partnership's finances (the annual report's finances section): each year's
contributions from the statutory partners, spending by heading, and the under- or overspend."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from sightline.accounts.models import Agency

__all__ = ["Contribution", "FinancialYear", "Spending"]


class FinancialYear(models.Model):
    start_year = models.PositiveSmallIntegerField(unique=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def contributions_total(self) -> Decimal:
        return sum((line.amount for line in self.contributions.all()), Decimal(0))

    @property
    def spending_total(self) -> Decimal:
        return sum((line.amount for line in self.spending.all()), Decimal(0))

    @property
    def balance(self) -> Decimal:
        """Positive: an underspend; negative: an overspend."""
        return self.contributions_total - self.spending_total

    @property
    def balance_label(self) -> str:
        balance = self.balance
        word = "Overspend" if balance < 0 else "Underspend"
        return f"{word} £{abs(balance):,.2f}"


class Contribution(models.Model):
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="contributions")
    partner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "partner"], name="partnership_contribution_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="partnership_contribution_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.year}"


class Spending(models.Model):
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="spending")
    heading = models.CharField(max_length=120)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["heading"]
        verbose_name_plural = "spending"
        constraints = [
            models.UniqueConstraint(fields=["year", "heading"], name="partnership_spending_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="partnership_spending_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.heading} {self.year}"
