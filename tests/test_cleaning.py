from newswatch.analysis.cleaning import clean
from newswatch.documents import Article, RawDocument


def cleaned(text: str, title: str | None = None) -> Article:
    return clean(Article(RawDocument(origin="t", format="text", text=text, title=title)))


def test_repeated_caption_kept_once_even_with_different_spacing():
    caption = "Minister Ana Ruiz speaks in Madrid on Monday."
    art = cleaned(f"{caption}  (Photo grabbed from Reuters video)\n{caption.replace(' ', '  ')}\n\nThe talks went on.")
    assert art.text.count("Minister Ana Ruiz speaks") == 1
    assert "The talks went on." in art.text
    assert any(s.step == "duplicate_paragraph" for s in art.cleaning)


def test_boilerplate_lines_removed_and_recorded():
    art = cleaned("2 weeks ago\n# # #\n\nReal news starts here.\n***\nShare this article\nFollow us on Twitter\nUpdated 5 minutes ago")
    assert art.text == "Real news starts here."
    steps = [s.step for s in art.cleaning]
    assert steps.count("boilerplate") == 6


def test_prose_that_mentions_boilerplate_words_is_kept():
    text = ("Share prices rose 3 percent two weeks ago, analysts said.\n\n"
            "Follow the money, the prosecutor told the court.\n\nBy the end of the day the deal was done.")
    assert cleaned(text).text == text


def test_typographic_quotes_and_dashes_kept_spaces_normalised():
    art = cleaned("“We will respond,”\u00a0she\u200b said — firmly.   Then   left.")
    assert art.text == "“We will respond,” she said — firmly. Then left."


def test_title_repeated_as_first_paragraph_and_byline_removed():
    art = cleaned("Storm hits the coast\nBy Jane Doe\nWinds reached 120 km/h.", title="Storm hits the coast")
    assert art.text == "Winds reached 120 km/h."
    assert {s.step for s in art.cleaning} >= {"title_repeat", "byline"}


def test_photo_credit_trailing_a_caption_is_removed():
    art = cleaned("A dry fountain in Barcelona. Photo: Iberia Press\n\nText.")
    assert art.text == "A dry fountain in Barcelona.\n\nText."


def test_an_article_that_is_only_its_headline_is_kept():
    art = cleaned("Parliament election ends in Turkmenistan.", title="Parliament election ends in Turkmenistan.")
    assert art.text == "Parliament election ends in Turkmenistan."


def test_what_feeds_append_to_a_summary_is_removed():
    art = cleaned("Pilots at the Port of Kotka walked out on Monday over pay.\n"
                  "To read this article in full, please click here\n"
                  "Continue reading...\n"
                  "The post Kotka pilots strike appeared first on Kotka Daily.")
    assert art.text == "Pilots at the Port of Kotka walked out on Monday over pay."
    assert [s.step for s in art.cleaning].count("boilerplate") == 3
