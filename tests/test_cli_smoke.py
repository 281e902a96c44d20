"""The insole command on a small sample site."""

from conftest import story


def test_build_writes_site_and_prints_summary(site, run):
    root = site({"content/stories/lunch.md": story()})
    result = run(root, "build")
    assert result.code == 0, result.err
    assert "Built 1 story" in result.out
    assert (root / "_site" / "stories" / "lunch" / "index.html").is_file()
