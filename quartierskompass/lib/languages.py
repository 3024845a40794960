"""Languages an offer can be used in: ISO 639 codes with their German and English names.

The list covers the languages most spoken by people seeking help in German cities, plus
German Sign Language and Leichte Sprache (easy-to-read German, not an ISO code: ``de-ls``).
"""

from __future__ import annotations

LANGUAGES: dict[str, tuple[str, str]] = {
    "de": ("Deutsch", "German"),
    "de-ls": ("Leichte Sprache", "Easy-to-read German"),
    "gsg": ("Deutsche Gebärdensprache", "German Sign Language"),
    "en": ("Englisch", "English"),
    "tr": ("Türkisch", "Turkish"),
    "ar": ("Arabisch", "Arabic"),
    "ru": ("Russisch", "Russian"),
    "uk": ("Ukrainisch", "Ukrainian"),
    "pl": ("Polnisch", "Polish"),
    "fa": ("Persisch (Farsi/Dari)", "Persian (Farsi/Dari)"),
    "ku": ("Kurdisch", "Kurdish"),
    "ro": ("Rumänisch", "Romanian"),
    "bg": ("Bulgarisch", "Bulgarian"),
    "sr": ("Serbisch/Kroatisch/Bosnisch", "Serbian/Croatian/Bosnian"),
    "sq": ("Albanisch", "Albanian"),
    "vi": ("Vietnamesisch", "Vietnamese"),
    "fr": ("Französisch", "French"),
    "es": ("Spanisch", "Spanish"),
    "it": ("Italienisch", "Italian"),
    "ti": ("Tigrinya", "Tigrinya"),
    "so": ("Somali", "Somali"),
    "ps": ("Paschtu", "Pashto"),
}


def language_name(code: str, language: str = "de") -> str:
    names = LANGUAGES.get(code)
    if names is None:
        return code
    return names[1] if language == "en" else names[0]
