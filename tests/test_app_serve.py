"""The command line of package serving: ``--serve FOLDER`` implies ``--local``."""

from shipexplorer.app import parse_args


def test_serve_implies_local() -> None:
    args = parse_args(["--serve", "pkg", "--serve-python", "/p/python"])
    assert args.local and args.serve == "pkg" and args.serve_python == "/p/python"
    plain = parse_args([])
    assert not plain.local and plain.serve is None and plain.serve_python == ""
