from handlers.markup import Span, escape, to_plain, to_spans


def test_bold_and_links_become_spans() -> None:
    assert to_spans("Appelez **811** ou [le site](https://example.org).") == [
        Span("text", "Appelez "),
        Span("bold", "811"),
        Span("text", " ou "),
        Span("link", "le site", "https://example.org"),
        Span("text", "."),
    ]


def test_escaped_text_never_becomes_markup() -> None:
    hostile = "**gras** [piège](https://evil.example) <!channel> \\"
    assert to_spans(escape(hostile)) == [Span("text", hostile)]


def test_plain_text_shows_link_targets() -> None:
    assert to_plain("voir [ici](https://example.org)") == "voir ici (https://example.org)"
