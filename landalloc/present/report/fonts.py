"""A font with Chinese glyphs, found the same way on every machine.

Matplotlib's bundled DejaVu Sans has no Chinese: labels would be drawn as boxes. The
dependency `pylopdf-fonts-zh-cn` ships Noto Sans SC (SIL OFL) as a plain file, so a fresh
`pip install` is enough; `LANDALLOC_CJK_FONT` points at another font file, and an installed
system font covering Chinese is the last resort. The same file, cut down to the characters
a page uses, is embedded in the HTML report so browsers without Chinese fonts show it too.
"""

from __future__ import annotations

import base64
import io
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: Characters a Chinese font must have to be used (common ones in the plan's names).
PROBE = "市工业用地布局规划电子信息产业区县新增公顷"

#: (package, file) pairs shipping a Chinese font, tried in order.
FONT_PACKAGES = (("pylopdf_fonts_zh_cn", "NotoSansSC-Regular.otf"),)


@lru_cache(maxsize=8)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def covers(path: str | Path, text: str) -> bool:
    """Whether the font at `path` has a glyph for every non-space character of `text`."""
    cmap = _cmap(str(path))
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


def missing(path: str | Path, text: str) -> str:
    """The characters of `text` the font has no glyph for."""
    cmap = _cmap(str(path))
    return "".join(sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap}))


def _candidates() -> list[Path]:
    out: list[Path] = []
    env = os.environ.get("LANDALLOC_CJK_FONT")
    if env:
        out.append(Path(env))
    for package, name in FONT_PACKAGES:
        try:
            p = Path(str(resources.files(package).joinpath(name)))
        except (ModuleNotFoundError, TypeError):
            continue
        out.append(p)
    return out


def _check_env_font(path: Path) -> None:
    """LANDALLOC_CJK_FONT names a font the user chose: a bad one is their input, exit 2."""
    from landalloc.errors import InputError

    if not path.is_file():
        raise InputError.one("LANDALLOC_CJK_FONT: no such font file", file=str(path))
    try:
        _cmap(str(path))
    except Exception as e:  # fontTools raises many kinds for a file that is not a font
        raise InputError.one(f"LANDALLOC_CJK_FONT: not a font file ({type(e).__name__})",
                             file=str(path)) from None


@lru_cache(maxsize=1)
def cjk_font_path() -> Path | None:
    """The font file used for Chinese text, or None when no font on this machine has it."""
    env = os.environ.get("LANDALLOC_CJK_FONT")
    if env:
        _check_env_font(Path(env))
    for p in _candidates():
        if p.is_file() and covers(p, PROBE):
            return p
    from matplotlib import font_manager

    for f in font_manager.fontManager.ttflist:  # installed system fonts, e.g. fonts-noto-cjk
        try:
            if covers(f.fname, PROBE):
                return Path(f.fname)
        except Exception:  # an unreadable font file is not ours to fix
            continue
    return None


@lru_cache(maxsize=1)
def matplotlib_family() -> str | None:
    """Register the Chinese font with matplotlib; its family name, or None."""
    path = cjk_font_path()
    if path is None:
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def rc_params() -> dict:
    """Matplotlib settings for report charts: the Chinese font first, DejaVu Sans behind."""
    family = matplotlib_family()
    names = [family] if family else []
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [*names, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "none",
        "pdf.fonttype": 42,  # fonts embedded as subsets of themselves (Type 42)
    }


def subset_woff(text: str) -> bytes | None:
    """The Chinese font cut down to the characters of `text`, as WOFF (zlib), or None."""
    path = cjk_font_path()
    if path is None:
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont

    chars = {ch for ch in text if not ch.isspace()} | set("0123456789")
    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # browsers hint themselves
    with TTFont(str(path), fontNumber=0, lazy=True) as font:  # lazy: read only what is kept
        sub = subset.Subsetter(options)
        sub.populate(text="".join(sorted(chars)))
        sub.subset(font)
        font.flavor = "woff"
        buf = io.BytesIO()
        font.save(buf)
    return buf.getvalue()


def font_face_css(text: str, family: str = "ReportCJK") -> str:
    """An @font-face rule with the subset embedded as a data: URL (no external file)."""
    data = subset_woff(text)
    if data is None:
        return ""
    b64 = base64.b64encode(data).decode("ascii")
    return (f"@font-face {{ font-family: '{family}'; "
            f"src: url(data:font/woff;base64,{b64}) format('woff'); }}\n")
