from django import template

register = template.Library()


@register.filter
def cut_final_stop(text: str) -> str:
    """A text without its closing full stop, for a template that ends the sentence itself."""
    return str(text).rstrip().rstrip(".")
