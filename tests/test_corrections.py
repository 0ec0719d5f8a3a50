"""Users correct entities: merge, split, rename; later articles and a reanalysis follow."""

import newswatch


def rec(i, text, day="2024-02-16"):
    return {"id": i, "text": text, "published": day, "source": f"Outlet {i}"}


def test_a_merge_holds_for_later_articles_and_after_reanalysis(tmp_path):
    with newswatch.open(str(tmp_path / "m.db")) as nw:
        nw.ingest_records([
            rec("a", "NATO ministers met in Brussels on Thursday to discuss the air defence of Poland."),
            rec("b", "The North Atlantic Treaty Organization said on Friday that its ministers agreed on air defence."),
        ])
        nato = nw.entity("NATO")
        assert nato["id"] != nw.entity("North Atlantic Treaty Organization")["id"]  # no evidence to join them
        merged = nw.merge_entities("NATO", "North Atlantic Treaty Organization")
        assert merged["article_count"] == 2
        nw.ingest_records([rec("c", "The North Atlantic Treaty Organization will meet again in June, officials "
                                    "in Brussels said on Monday.", "2024-02-19")])
        assert nw.entity("North Atlantic Treaty Organization")["id"] == merged["id"]
        assert nw.entity("NATO")["article_count"] == 3
        nw.reanalyze()
        assert nw.entity("NATO")["id"] == nw.entity("North Atlantic Treaty Organization")["id"]


def test_a_split_spelling_gets_its_own_entity_and_is_not_linked_back(tmp_path):
    with newswatch.open(str(tmp_path / "s.db")) as nw:
        nw.ingest_records([
            rec("a", "Russian Foreign Minister Sergei Lavrov arrived in Geneva on Monday for the talks."),
            rec("b", "Sergey Lavrov, the chess coach from Kazan, opened the junior tournament on Saturday."),
        ])
        both = nw.entity("Sergei Lavrov")
        assert {v["text"] for v in both["variants"]} == {"Sergei Lavrov", "Sergey Lavrov"}
        coach = nw.split_entity("Sergei Lavrov", "Sergey Lavrov")
        assert coach["id"] != both["id"] and coach["article_count"] == 1
        assert nw.entity("Sergei Lavrov")["article_count"] == 1
        nw.ingest_records([rec("c", "Sergey Lavrov's pupils won three medals in Kazan on Sunday.", "2024-02-19")])
        assert nw.entity("Sergey Lavrov")["id"] == coach["id"]
        assert nw.entity("Sergey Lavrov")["article_count"] == 2
        assert nw.entity("Sergei Lavrov")["article_count"] == 1


def test_a_name_chosen_by_a_user_stays(tmp_path, cli):
    cli.json("ingest", "-", input='{"id": "a", "text": "NATO ministers met in Brussels on Thursday."}\n')
    renamed = cli.json("rename-entity", "NATO", "North Atlantic Treaty Organization (NATO)")
    assert renamed["name"] == "North Atlantic Treaty Organization (NATO)"
    cli.json("ingest", "-", input='{"id": "b", "text": "NATO said on Friday that NATO would meet again."}\n')
    assert cli.json("entity", "NATO")["name"] == "North Atlantic Treaty Organization (NATO)"
    proc = cli.run("split-entity", "NATO", "Nato Alliance")
    assert proc.returncode != 0 and "is not a spelling of" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
