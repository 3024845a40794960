"""Building blocks shared by the domain apps."""

from __future__ import annotations

from django.utils.translation import get_language


def pick_language(de: str, en: str) -> str:
    """The English text when the interface is English and one exists, else the German."""
    language = (get_language() or "de").split("-")[0]
    return en if language == "en" and en else de


class Bilingual:
    """Reference data stored in German and English (``label_de``/``label_en`` and so on).

    Taxonomies are edited by staff in the admin, so their wording lives in the database rather
    than in the gettext catalogue; ``obj.label`` shows the text for the active language.
    """

    @property
    def label(self) -> str:
        return pick_language(self.label_de, self.label_en)

    @property
    def description(self) -> str:
        return pick_language(
            getattr(self, "description_de", ""), getattr(self, "description_en", "")
        )
