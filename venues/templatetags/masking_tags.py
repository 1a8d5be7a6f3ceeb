from django import template

from venues import masking

register = template.Library()


@register.filter
def mask_mobile(value):
    return masking.mask_mobile(value)


@register.filter
def mask_id_number(value):
    return masking.mask_id_number(value)
