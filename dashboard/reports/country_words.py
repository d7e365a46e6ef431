"""The words of the pages and downloads that name the installation's country and its levels (the title, the
level choice, "the whole country", the boundaries, the level a map is drawn at), from its profile; Mali's are the
catalogue's own, unchanged."""

from __future__ import annotations

from dashboard.domain.country import CountryProfile
from dashboard.i18n import language, translate

MALI = "MLI"


def _is_mali(profile: CountryProfile | None) -> bool:
    return profile is None or profile.iso3 == MALI


def app_title(profile: CountryProfile | None, lang: str) -> str:
    """"Qui fait quoi où au Mali (3W)", or "Qui fait quoi où – Niger (3W)" for another country."""
    if _is_mali(profile):
        return translate("app.title", lang)
    return translate("app.title.country", lang, country=profile.name(language(lang)))


def level_label(profile: CountryProfile | None, level: int, lang: str) -> str:
    """A level's name as the level choice shows it: "Cercle" in Mali, "Département" in Niger."""
    if _is_mali(profile):
        return translate(f"level.{level}", lang)
    name = profile.level(level).name(language(lang))
    return name[:1].upper() + name[1:]


def whole_country(profile: CountryProfile | None, lang: str) -> str:
    """What the area filter says when no area is chosen: "Tout le Mali", "Tout le pays (Niger)"."""
    if _is_mali(profile):
        return translate("filters.all_mali", lang)
    return translate("filters.all_country", lang, country=profile.name(language(lang)))


def boundaries_line(profile: CountryProfile | None, lang: str) -> str:
    """Which boundaries the units are, under every page's header and above every download's table."""
    if _is_mali(profile):
        return translate("header.boundaries", lang)
    return translate("header.boundaries.country", lang, country=profile.name(language(lang)),
                     version=profile.boundary_version)


def drawn_level(profile: CountryProfile | None, level: int) -> int:
    """The level a map asked for at ``level`` is drawn at (the profile's rule,
    :meth:`~dashboard.domain.country.CountryProfile.drawn_level`): Burkina Faso's communes by province."""
    return level if profile is None else profile.drawn_level(level)


def drawn_level_note(profile: CountryProfile | None, level: int, lang: str) -> str | None:
    """What a map asked for at a level without polygons says, or None when it is drawn at that level: "Burkina Faso :
    les communes n'ont pas de contours dans les données, la carte les montre par province ; ..."."""
    drawn = drawn_level(profile, level)
    if drawn == level:
        return None
    lang = language(lang)
    return translate("map.drawn_coarser", lang, country=profile.name(lang), units=profile.level(level).plural(lang),
                     unit=profile.level(level).name(lang), drawn=profile.level(drawn).name(lang))
