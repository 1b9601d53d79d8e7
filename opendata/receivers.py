"""Reactions of the open data to events elsewhere: publish again after checks and payments move.

* a check run succeeded (the nightly job or a manual run): findings changed;
* a payment registry was created (payments went to the bank) or a bank confirmation applied
  (payments paid or failed).

Each reaction queues one publication in a worker after the transaction commits.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from checks.signals import check_run_succeeded
from opendata.choices import PublicationTrigger
from payments.choices import ConfirmationStatus
from payments.models import BankConfirmation, PaymentRegistry


@receiver(check_run_succeeded, dispatch_uid="opendata.publish_after_check_run")
def publish_after_check_run(sender, run, **kwargs):
    from opendata.services import publication_enqueue

    publication_enqueue(trigger=PublicationTrigger.CHECKS)


@receiver(post_save, sender=PaymentRegistry, dispatch_uid="opendata.publish_after_registry")
def publish_after_registry(sender, instance, created, **kwargs):
    if created:
        from opendata.services import publication_enqueue

        publication_enqueue(trigger=PublicationTrigger.PAYMENTS)


@receiver(post_save, sender=BankConfirmation, dispatch_uid="opendata.publish_after_bank_confirmation")
def publish_after_bank_confirmation(sender, instance, created, **kwargs):
    if instance.status == ConfirmationStatus.APPLIED:
        from opendata.services import publication_enqueue

        publication_enqueue(trigger=PublicationTrigger.PAYMENTS)
