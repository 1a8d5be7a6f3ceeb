from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from treebeard.mp_tree import MP_Node


class AreaLevel(models.IntegerChoices):
    """Levels of the administrative tree; deeper levels have larger values."""

    CITY = 10, _("city")
    DISTRICT = 20, _("district or county")
    TOWN = 30, _("town or street")
    VILLAGE = 40, _("village or community")
    GRID = 50, _("grid")


class Area(MP_Node):
    """One node of the area tree (city → district → town → village/community → grid).

    A materialised path lets a staff member's scope be one prefix query on the subtree."""

    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=AreaLevel.choices)
    code = models.CharField(
        _("administrative code"), max_length=20, blank=True,
        help_text=_("Optional official division code."),
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.pk else getattr(self, "_pending_parent", None)
        if parent is not None and self.level <= parent.level:
            raise ValidationError(
                {"level": _("An area must be at a lower level than the area it belongs to.")}
            )

    @property
    def full_name(self):
        """Names from the town down, for example 双河镇 / 青杠村 / 第一网格."""
        names = [a.name for a in self.get_ancestors() if a.level >= AreaLevel.TOWN]
        return " / ".join([*names, self.name])

    @classmethod
    def village_names(cls, areas):
        """{area pk: name of its village or community} for many areas in one query; an
        area above village level names itself."""
        return {pk: village.name for pk, village in cls.villages_of(areas).items()}

    @classmethod
    def places(cls, areas):
        """{area pk: where it is as staff read it}: "青杠村 第一网格" for a grid (every village has
        a 第一网格), the name alone for a village or anything above."""
        villages = cls.village_names(areas)
        return {area.pk: area.name if villages[area.pk] == area.name else f"{villages[area.pk]} {area.name}"
                for area in areas}

    @classmethod
    def villages_of(cls, areas):
        """{area pk: its village or community} for many areas in one query; an area above
        village level stands for itself."""
        def prefixes(area):  # the area's ancestors' paths and its own, shortest first
            return [area.path[:end] for end in range(cls.steplen, len(area.path) + 1, cls.steplen)]

        paths = {path for area in areas for path in prefixes(area)}
        villages = {village.path: village
                    for village in cls.objects.filter(path__in=paths, level=AreaLevel.VILLAGE)}
        return {area.pk: next((villages[p] for p in prefixes(area) if p in villages), area)
                for area in areas}
