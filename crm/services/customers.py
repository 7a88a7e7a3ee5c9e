"""Customer records: classification and (later) search, create, update with audit."""

from crm.services import classification, clock


def classify_customer(customer):
    """Recompute ``customer.customer_class``; returns True when it changed."""
    new_class = classification.classify(
        customer.assets, customer.turnover_rate, customer.last_trade_on, clock.local(clock.now()).date()
    )
    changed = new_class != customer.customer_class
    customer.customer_class = new_class
    return changed
