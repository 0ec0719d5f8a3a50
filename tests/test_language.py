from newswatch.analysis.language import detect_language, normalise_code
from newswatch.config import DEFAULT_LANGUAGES


def test_detects_common_news_languages():
    samples = {
        "en": "The government announced new measures to reduce energy prices on Monday.",
        "de": "Die Regierung hat am Montag neue Maßnahmen zur Senkung der Energiepreise angekündigt.",
        "fr": "Le gouvernement a annoncé lundi de nouvelles mesures pour réduire les prix de l'énergie.",
        "es": "El gobierno anunció el lunes nuevas medidas para reducir los precios de la energía.",
    }
    for code, text in samples.items():
        assert detect_language(text, DEFAULT_LANGUAGES) == code


def test_too_little_text_is_unknown_not_a_guess():
    assert detect_language("OK 123", DEFAULT_LANGUAGES) is None


def test_declared_codes_are_normalised():
    assert normalise_code("en-GB") == "en" and normalise_code("PT_br") == "pt" and normalise_code("") is None


def test_slovak_is_slovak_and_czech_is_czech():
    from newswatch.analysis.language import detect_language
    from newswatch.config import DEFAULT_LANGUAGES

    slovak = "Lavína zasypala dvoch lyžiarov v Nízkych Tatrách, záchranári ich po hodine vyslobodili živých."
    czech = "Lavina zasypala dva lyžaře v Krkonoších, záchranáři je po hodině vyprostili živé."
    assert detect_language(slovak, DEFAULT_LANGUAGES) == "sk"
    assert detect_language(czech, DEFAULT_LANGUAGES) == "cs"


def test_a_near_tie_on_a_headline_is_unknown_not_a_guess():
    # Lowercased, stop words gone (as aggregators index titles): French leads English by 0.08 here.
    assert detect_language("sap enterprise revenue rise", DEFAULT_LANGUAGES) is None
    assert detect_language("reviewer praises tablet design", DEFAULT_LANGUAGES) == "en"
    assert detect_language("Grève des contrôleurs aériens à Marseille", DEFAULT_LANGUAGES) == "fr"
