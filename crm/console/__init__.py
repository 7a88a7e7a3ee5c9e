from crm.console.views import console

__all__ = ["console"]
