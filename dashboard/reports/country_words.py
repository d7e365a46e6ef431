"""The words of the pages and downloads that name the view's country and its levels (the title, the level
choice, "the whole country", the boundaries, the level a map is drawn at, every sentence that names a cercle), from
its profile; Mali's are the catalogue's own, unchanged.

A catalogue text that names Mali or its cercles (``brief.choose``: "Choisissez un cercle…") has, for the other
countries, a variant under the same key and ``.country`` ("Choisissez {a_unit}…"), whose placeholders
:func:`unit_words` fills from the profile's level 2 (département, province) and the country's name."""

from __future__ import annotations

from dashboard.domain.country import CountryProfile
from dashboard.i18n import catalogue, language, translate

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


def level_unit(profile: CountryProfile | None, level: int, lang: str) -> str:
    """A level's name in a sentence: "cercle" in Mali, "département" in Niger."""
    if _is_mali(profile):
        return translate(f"unit.{level}", lang)
    return profile.level(level).name(language(lang))


def level_plural(profile: CountryProfile | None, level: int, lang: str) -> str:
    """A level's plural in a sentence: "cercles", "départements"."""
    if _is_mali(profile):
        return translate(f"level.{level}.plural", lang)
    return profile.level(level).plural(language(lang))


def _level_words(profile: CountryProfile, level: int, lang: str, suffix: str) -> dict[str, str]:
    """One level's words for a ``.country`` text, the same placeholders in both languages: ``unit``, ``units``,
    ``Unit``, ``Units``, and with an article: ``the_unit`` ("le département", "la province", "the department"),
    ``of_the_unit`` ("du département", "de la province", "of the department"), ``a_unit`` / ``A_unit`` ("un
    département", "une province", "a department") and ``this_unit``; each name ending in ``suffix``. French
    articles follow the level's gender in the profile (``feminine``)."""
    spec = profile.level(level)
    unit, units = spec.name(lang), spec.plural(lang)
    if lang == "en":
        article = "an" if unit[:1].lower() in "aeiou" else "a"
        one = f"{article} {unit}"
        articles = {"the_unit": f"the {unit}", "of_the_unit": f"of the {unit}", "this_unit": f"this {unit}"}
    else:
        feminine, vowel = spec.feminine, unit[:1].lower() in "aeiouyéèêàh"
        one = f"{'une' if feminine else 'un'} {unit}"
        articles = {"the_unit": f"l'{unit}" if vowel else f"{'la' if feminine else 'le'} {unit}",
                    "of_the_unit": f"de l'{unit}" if vowel else f"{'de la' if feminine else 'du'} {unit}",
                    "this_unit": f"{'cette' if feminine else ('cet' if vowel else 'ce')} {unit}"}
    words = {"unit": unit, "units": units, "Unit": unit[:1].upper() + unit[1:], "Units": units[:1].upper() + units[1:],
             "a_unit": one, "A_unit": one[:1].upper() + one[1:], **articles}
    return {f"{key}{suffix}": value for key, value in words.items()}


def unit_words(profile: CountryProfile, lang: str) -> dict[str, str]:
    """The placeholders of a ``.country`` text: the level-2 unit (what Mali calls a cercle: ``unit``,
    ``the_unit``, ``a_unit``...), the level-1 unit (the region: ``unit1``, ``the_unit1``...) and the country's name
    (``country``), in ``lang``."""
    lang = language(lang)
    return {**_level_words(profile, 2, lang, ""), **_level_words(profile, 1, lang, "1"), "country": profile.name(lang)}


def country_text(profile: CountryProfile | None, key: str, lang: str, **values: object) -> str:
    """The catalogue's text for ``key``; for a country other than Mali, its ``key.country`` variant (with the
    level and country words of :func:`unit_words`) when the catalogue has one, the text itself otherwise."""
    if _is_mali(profile) or f"{key}.country" not in catalogue(language(lang)):
        return translate(key, lang, **values)
    return translate(f"{key}.country", lang, **{**unit_words(profile, lang), **values})


def file_stem(profile: CountryProfile | None, mali: str = "mali-3w") -> str:
    """How the files a view saves begin: ``mali`` in Mali ("mali-3w" for the map's image, "mali3w" for the
    downloads), "niger-3w", "burkina-faso-3w" for another country."""
    if _is_mali(profile):
        return mali
    return "-".join(profile.name_en.lower().split()) + "-3w"
