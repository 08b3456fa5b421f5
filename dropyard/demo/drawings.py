"""The demo's product drawings: one function per kind of product (a phone mount, a mug,
earbuds…), drawn with a few Pillow shapes in the product's colour on a 1000-unit grid.

``demo.pictures`` renders them (background, supersampling, files); ``DRAWINGS`` names them for
``demo.product_specs``, which says which product is drawn with which.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import ImageDraw

COLOURS: dict[str, tuple[int, int, int]] = {
    "Black": (44, 45, 50),
    "White": (246, 246, 243),
    "Pink": (238, 156, 178),
    "Blue": (58, 108, 196),
    "Green": (64, 146, 98),
    "Grey": (146, 151, 158),
    "Red": (204, 52, 58),
    "Beige": (220, 198, 162),
    "Purple": (128, 88, 178),
    "Yellow": (240, 196, 56),
}
DEFAULT_COLOUR = "Black"

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Ink:
    """The colours one drawing uses, derived from the product colour."""

    base: RGB
    dark: RGB
    light: RGB
    line: RGB
    metal: RGB = (196, 200, 206)
    glass: RGB = (40, 46, 58)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))  # fmt: skip


def ink_for(colour: str) -> Ink:
    base = COLOURS.get(colour, COLOURS[DEFAULT_COLOUR])
    bright = sum(base) / 3 > 200
    return Ink(
        base=base,
        dark=_mix(base, (0, 0, 0), 0.28 if not bright else 0.16),
        light=_mix(base, (255, 255, 255), 0.35 if sum(base) / 3 < 80 else 0.55),
        line=_mix(base, (0, 0, 0), 0.45 if bright else 0.55),
    )


class Pen:
    """Draws on a 1000 × 1000 grid whatever the pixel size, so drawings read as proportions."""

    def __init__(self, draw: ImageDraw.ImageDraw, pixels: int) -> None:
        self.draw, self.k = draw, pixels / 1000

    def _box(self, box):
        return [round(v * self.k) for v in box]

    def rect(self, box, fill, r=0, outline=None, width=0) -> None:
        self.draw.rounded_rectangle(
            self._box(box), radius=round(r * self.k), fill=fill, outline=outline,
            width=round(width * self.k),
        )  # fmt: skip

    def ellipse(self, box, fill, outline=None, width=0) -> None:
        self.draw.ellipse(self._box(box), fill=fill, outline=outline, width=round(width * self.k))

    def poly(self, points, fill, outline=None) -> None:
        self.draw.polygon([(x * self.k, y * self.k) for x, y in points], fill=fill, outline=outline)

    def line(self, points, fill, width) -> None:
        self.draw.line(
            [(x * self.k, y * self.k) for x, y in points], fill=fill, width=round(width * self.k),
            joint="curve",
        )  # fmt: skip

    def arc(self, box, start, end, fill, width) -> None:
        self.draw.arc(self._box(box), start, end, fill=fill, width=round(width * self.k))

    def circle(self, x, y, r, fill, outline=None, width=0) -> None:
        self.ellipse((x - r, y - r, x + r, y + r), fill, outline, width)


# --- drawings: one function per kind of product, on the 1000-unit grid ---------------------------


def _phone(p: Pen, x0, y0, x1, y1, case: RGB, edge: RGB, glass: RGB | None = None) -> None:
    p.rect((x0, y0, x1, y1), case, r=(x1 - x0) * 0.16, outline=edge, width=6)
    if glass is not None:
        p.rect((x0 + 18, y0 + 18, x1 - 18, y1 - 18), glass, r=(x1 - x0) * 0.12)


def phone_case(p: Pen, c: Ink) -> None:
    _phone(p, 330, 150, 670, 850, c.base, c.line)
    p.rect((380, 200, 520, 380), c.dark, r=40)  # camera bump
    for cx, cy in ((420, 245), (480, 245), (420, 330)):
        p.circle(cx, cy, 26, (30, 32, 38), outline=c.metal, width=6)
    p.rect((350, 420, 372, 760), c.light, r=10)  # highlight


def screen_protector(p: Pen, c: Ink) -> None:
    _phone(p, 400, 180, 700, 820, c.base, c.line, glass=c.glass)
    p.rect((290, 220, 590, 860), (222, 236, 244), r=44, outline=(150, 176, 190), width=6)
    p.poly(((330, 260), (420, 260), (330, 520)), (246, 250, 252))


def phone_mount(p: Pen, c: Ink) -> None:
    p.rect((380, 690, 620, 760), c.dark, r=30)  # base / clip
    p.rect((475, 470, 525, 700), c.metal, r=20, outline=(150, 154, 160), width=4)  # arm
    p.circle(500, 470, 50, c.base, outline=c.line, width=6)  # ball joint
    _phone(p, 340, 130, 660, 500, (38, 40, 46), (20, 20, 24), glass=(70, 96, 130))
    p.rect((300, 260, 350, 380), c.base, r=16)  # side grips
    p.rect((650, 260, 700, 380), c.base, r=16)
    p.rect((440, 470, 560, 510), c.base, r=16)  # bottom cradle


def charger_pad(p: Pen, c: Ink) -> None:
    p.ellipse((230, 430, 770, 700), c.dark)
    p.ellipse((230, 400, 770, 660), c.base, outline=c.line, width=6)
    p.ellipse((380, 470, 620, 590), c.light)
    p.circle(500, 640, 10, (80, 200, 120))
    p.rect((740, 520, 860, 548), (60, 60, 64), r=12)  # cable


def power_bank(p: Pen, c: Ink) -> None:
    p.rect((300, 220, 700, 800), c.dark, r=70)
    p.rect((300, 200, 690, 780), c.base, r=70, outline=c.line, width=6)
    for i in range(4):
        p.circle(420 + i * 50, 700, 14, (80, 200, 120) if i < 3 else c.light)
    p.rect((440, 206, 560, 232), (40, 40, 44), r=8)  # port
    p.rect((330, 260, 352, 640), c.light, r=10)


def wall_charger(p: Pen, c: Ink) -> None:
    p.rect((400, 170, 440, 290), c.metal, r=8)  # prongs
    p.rect((560, 170, 600, 290), c.metal, r=8)
    p.rect((320, 270, 680, 760), c.base, r=60, outline=c.line, width=6)
    p.rect((430, 620, 570, 660), (40, 40, 44), r=10)  # USB-C port
    p.rect((350, 320, 372, 700), c.light, r=10)


def cable(p: Pen, c: Ink) -> None:
    """A coiled cable (three loops) with a plug at each end."""
    for i, (x, y) in enumerate(((390, 470), (500, 450), (610, 470))):
        p.ellipse((x - 190, y - 170, x + 190, y + 170), None, outline=c.line, width=34)
        p.ellipse((x - 186, y - 166, x + 186, y + 166), None, outline=c.base, width=24)
        if i == 1:
            p.arc((x - 182, y - 162, x + 182, y + 162), 200, 260, c.light, 8)
    p.line(((300, 620), (260, 760)), c.line, 34)
    p.line(((300, 620), (260, 760)), c.base, 24)
    p.line(((700, 620), (740, 760)), c.line, 34)
    p.line(((700, 620), (740, 760)), c.base, 24)
    for x in (260, 740):
        p.rect((x - 45, 740, x + 45, 850), c.base, r=18, outline=c.line, width=6)  # plug
        p.rect((x - 25, 845, x + 25, 900), c.metal, r=6)


def baking_mat(p: Pen, c: Ink) -> None:
    p.poly(((180, 380), (760, 300), (840, 640), (240, 740)), c.dark)
    p.poly(((170, 360), (750, 280), (830, 620), (230, 720)), c.base, outline=c.line)
    for i in range(3):
        for j in range(2):
            x, y = 330 + i * 170 - j * 20, 410 + j * 160 - i * 25
            p.ellipse((x - 60, y - 45, x + 60, y + 45), None, outline=c.light, width=8)


def cookie_cutter(p: Pen, c: Ink) -> None:
    star = []
    for i in range(10):
        r = 320 if i % 2 == 0 else 140
        a = math.pi / 2 + i * math.pi / 5
        star.append((500 + r * math.cos(a), 520 - r * math.sin(a)))
    p.poly([(x + 18, y + 24) for x, y in star], c.dark)
    p.poly(star, c.base, outline=c.line)
    inner = [(500 + (x - 500) * 0.8, 520 + (y - 520) * 0.8) for x, y in star]
    p.poly(inner, (246, 244, 240))


def piping_bag(p: Pen, c: Ink) -> None:
    p.poly(((300, 180), (700, 180), (520, 760), (480, 760)), c.base, outline=c.line)
    p.poly(((330, 180), (420, 180), (495, 700)), c.light)
    p.poly(((470, 740), (530, 740), (550, 850), (450, 850)), c.metal)
    p.rect((290, 160, 710, 210), c.dark, r=20)


def knife(p: Pen, c: Ink) -> None:
    """A chef knife lying diagonally: a wide steel blade, a coloured handle with rivets."""
    steel, edge = (214, 218, 224), (140, 146, 156)
    p.poly(((120, 700), (560, 360), (640, 450), (250, 720)), steel, outline=edge)
    p.poly(((120, 700), (560, 360), (590, 395), (170, 705)), (238, 241, 245))
    p.poly(((610, 330), (860, 140), (920, 215), (670, 410)), c.base, outline=c.line)
    for x, y in ((690, 320), (760, 265), (830, 212)):
        p.circle(x, y, 14, c.metal)
    p.poly(((560, 360), (610, 330), (670, 410), (640, 450)), c.metal)  # bolster


def utility_knife(p: Pen, c: Ink) -> None:
    p.poly(
        ((160, 470), (300, 430), (300, 520), (200, 520)), (214, 218, 224), outline=(140, 146, 156)
    )
    p.rect((290, 420, 820, 560), c.base, r=50, outline=c.line, width=6)
    p.rect((360, 450, 700, 480), c.dark, r=14)
    p.rect((470, 400, 540, 430), c.metal, r=10)


def cutting_board(p: Pen, c: Ink) -> None:
    wood, grain = (196, 152, 100), (168, 124, 76)
    p.rect((220, 260, 800, 800), (150, 110, 66), r=60)
    p.rect((200, 240, 780, 780), wood, r=60, outline=grain, width=6)
    for y in range(330, 720, 70):
        p.line(((260, y), (720, y + 20)), grain, 6)
    p.circle(700, 320, 36, (246, 244, 240), outline=grain, width=6)


def container(p: Pen, c: Ink) -> None:
    p.rect((230, 420, 770, 790), (214, 230, 238), r=40, outline=(150, 170, 182), width=6)
    p.rect((260, 520, 740, 760), (236, 244, 248), r=30)
    p.rect((210, 360, 790, 440), c.base, r=30, outline=c.line, width=6)  # lid
    p.rect((240, 380, 760, 400), c.light, r=8)
    for x in (230, 770):
        p.rect((x - 22, 380, x + 22, 470), c.dark, r=10)  # latches


def jar(p: Pen, c: Ink) -> None:
    p.rect((280, 380, 720, 780), (230, 230, 226), r=70, outline=(170, 170, 164), width=6)
    p.rect((300, 470, 700, 690), c.base, r=20)  # label
    p.rect((340, 540, 660, 566), c.light, r=10)
    p.rect((300, 290, 700, 390), c.dark, r=30)  # lid


def bottle(p: Pen, c: Ink) -> None:
    p.rect((360, 320, 640, 820), c.base, r=90, outline=c.line, width=6)
    p.rect((430, 220, 570, 330), c.dark, r=20)
    p.rect((420, 170, 580, 230), (40, 40, 44), r=20)
    p.rect((380, 480, 620, 650), (246, 244, 240), r=14)  # label
    p.rect((410, 540, 590, 560), c.line, r=6)
    p.rect((385, 360, 410, 780), c.light, r=12)


def dropper_bottle(p: Pen, c: Ink) -> None:
    amber = (170, 104, 40)
    p.rect((380, 400, 620, 820), amber, r=60, outline=(120, 70, 24), width=6)
    p.rect((405, 420, 430, 790), (206, 150, 90), r=12)
    p.rect((400, 520, 600, 680), (246, 244, 240), r=10)
    p.rect((420, 580, 580, 600), c.base, r=6)
    p.rect((430, 320, 570, 410), c.base, r=16, outline=c.line, width=6)  # collar
    p.rect((460, 170, 540, 330), c.dark, r=40)  # bulb


def tumbler(p: Pen, c: Ink) -> None:
    p.poly(((320, 250), (680, 250), (630, 830), (370, 830)), c.base, outline=c.line)
    p.poly(((345, 270), (385, 270), (400, 810), (385, 810)), c.light)
    p.rect((300, 180, 700, 260), c.metal, r=24, outline=(150, 154, 160), width=6)  # lid
    p.rect((560, 120, 600, 200), c.dark, r=10)  # straw


def face_brush(p: Pen, c: Ink) -> None:
    p.rect((440, 430, 560, 850), c.base, r=60, outline=c.line, width=6)
    p.circle(500, 320, 170, c.light, outline=c.line, width=6)
    for r in (120, 80, 40):
        p.circle(500, 320, r, None, outline=c.base, width=10)
    p.circle(500, 560, 22, (246, 244, 240))


def face_roller(p: Pen, c: Ink) -> None:
    jade = _mix(c.base, (110, 180, 140), 0.4)
    p.line(((380, 300), (380, 380), (620, 380), (620, 300)), c.metal, 18)
    p.line(((500, 380), (500, 840)), c.metal, 22)
    p.rect((300, 200, 700, 310), jade, r=55, outline=_mix(jade, (0, 0, 0), 0.3), width=6)
    p.rect((440, 700, 560, 860), jade, r=40)


def hair_brush(p: Pen, c: Ink) -> None:
    p.rect((440, 520, 560, 880), c.base, r=50, outline=c.line, width=6)
    p.rect((330, 140, 670, 560), c.dark, r=110)
    p.rect((350, 160, 650, 540), (60, 60, 64), r=100)
    for y in range(200, 520, 60):
        for x in range(390, 640, 60):
            p.circle(x, y, 12, c.light)


def clipper(p: Pen, c: Ink) -> None:
    p.rect((360, 280, 640, 860), c.base, r=110, outline=c.line, width=6)
    p.rect((350, 170, 650, 280), c.metal, r=12, outline=(140, 146, 156), width=6)
    for x in range(370, 640, 30):
        p.rect((x, 140, x + 16, 180), c.metal, r=4)
    p.circle(500, 430, 40, c.dark)
    p.rect((385, 320, 410, 800), c.light, r=12)


def ring(p: Pen, c: Ink) -> None:
    """Scrunchies, collars, resistance bands: a thick soft loop, seen at an angle."""
    p.ellipse((200, 300, 800, 760), c.dark)
    p.ellipse((200, 270, 800, 730), c.base, outline=c.line, width=6)
    p.ellipse((340, 390, 660, 610), (240, 238, 234), outline=c.dark, width=6)
    for x in range(260, 760, 90):
        p.arc((x - 40, 300, x + 40, 700), 200, 340, c.light, 8)


def claw_clip(p: Pen, c: Ink) -> None:
    for i, x in enumerate(range(290, 720, 80)):
        p.rect((x, 260 + (i % 2) * 20, x + 50, 620), c.base, r=25, outline=c.line, width=6)
    p.rect((260, 560, 740, 700), c.dark, r=50)
    p.rect((460, 600, 540, 660), c.metal, r=10)


def collar(p: Pen, c: Ink) -> None:
    ring(p, c)
    p.rect((440, 640, 560, 740), c.metal, r=16, outline=(140, 146, 156), width=6)  # buckle
    p.circle(500, 790, 40, (246, 214, 80), outline=(180, 150, 40), width=6)  # tag


def leash(p: Pen, c: Ink) -> None:
    p.rect((240, 330, 620, 700), c.base, r=170, outline=c.line, width=6)  # reel
    p.circle(430, 515, 90, c.light)
    p.rect((520, 640, 620, 820), c.dark, r=40)  # handle
    p.line(((620, 420), (860, 300)), c.line, 12)
    p.circle(870, 295, 26, c.metal)


def plush(p: Pen, c: Ink) -> None:
    p.circle(330, 290, 80, c.base, outline=c.line, width=6)  # ears
    p.circle(670, 290, 80, c.base, outline=c.line, width=6)
    p.circle(500, 480, 230, c.base, outline=c.line, width=6)
    p.ellipse((400, 520, 600, 660), c.light)
    p.circle(420, 440, 22, (30, 30, 34))
    p.circle(580, 440, 22, (30, 30, 34))
    p.ellipse((470, 540, 530, 580), (30, 30, 34))
    p.ellipse((300, 680, 700, 860), c.base, outline=c.line, width=6)


def rope_toy(p: Pen, c: Ink) -> None:
    p.line(((260, 640), (400, 480), (600, 520), (740, 360)), c.line, 90)
    p.line(((260, 640), (400, 480), (600, 520), (740, 360)), c.base, 70)
    for x, y in ((400, 480), (600, 520)):
        p.line(((x - 40, y + 30), (x + 40, y - 30)), c.light, 12)
    p.circle(240, 660, 80, c.dark)
    p.circle(760, 340, 80, c.dark)


def laser_toy(p: Pen, c: Ink) -> None:
    p.ellipse((280, 560, 720, 800), c.dark)
    p.ellipse((280, 520, 720, 760), c.base, outline=c.line, width=6)
    p.poly(((470, 560), (530, 560), (760, 220), (720, 200)), (236, 70, 70))
    p.circle(500, 520, 70, c.glass)
    p.circle(740, 210, 28, (250, 90, 90))


def feather_wand(p: Pen, c: Ink) -> None:
    p.line(((220, 820), (640, 320)), (196, 152, 100), 26)
    for i, (dx, dy) in enumerate(((0, -120), (100, -60), (60, -160), (140, -140))):
        x, y = 640 + dx, 320 + dy
        p.ellipse((x - 50, y - 110, x + 50, y + 110), c.base if i % 2 else c.light, c.line, 4)
    p.circle(640, 320, 30, c.dark)


def fountain(p: Pen, c: Ink) -> None:
    p.ellipse((200, 560, 800, 820), c.dark)
    p.rect((200, 420, 800, 700), c.base, r=120, outline=c.line, width=6)
    p.ellipse((260, 380, 740, 520), (170, 214, 236), outline=c.line, width=6)
    p.line(((500, 440), (500, 280)), (120, 180, 220), 30)
    p.arc((400, 230, 600, 430), 200, 340, (150, 200, 230), 14)


def yoga_mat(p: Pen, c: Ink) -> None:
    p.poly(((160, 700), (760, 700), (840, 820), (240, 820)), c.base, outline=c.line)  # unrolled
    p.circle(300, 560, 170, c.base, outline=c.line, width=6)  # roll end
    p.rect((300, 390, 780, 730), c.base, r=0)
    p.circle(780, 560, 170, c.dark, outline=c.line, width=6)
    for r in (120, 70, 25):
        p.circle(780, 560, r, None, outline=c.light, width=8)
    p.line(((300, 392), (780, 392)), c.line, 6)


def dumbbell(p: Pen, c: Ink) -> None:
    p.rect((300, 470, 700, 530), c.metal, r=20, outline=(140, 146, 156), width=4)
    for x in (200, 700):
        p.rect((x, 320, x + 100, 680), c.base, r=30, outline=c.line, width=6)
        p.rect((x + 10, 340, x + 30, 660), c.light, r=8)
    for x in (150, 800):
        p.rect((x, 380, x + 50, 620), c.dark, r=20)


def ab_wheel(p: Pen, c: Ink) -> None:
    p.rect((150, 470, 850, 530), c.metal, r=20)
    p.rect((130, 440, 260, 560), (40, 40, 44), r=40)
    p.rect((740, 440, 870, 560), (40, 40, 44), r=40)
    p.circle(500, 500, 230, c.base, outline=c.line, width=8)
    p.circle(500, 500, 130, c.dark)
    p.circle(500, 500, 40, c.metal)


def lantern(p: Pen, c: Ink) -> None:
    p.arc((380, 100, 620, 300), 180, 360, c.line, 16)  # handle
    p.rect((340, 200, 660, 280), c.base, r=30, outline=c.line, width=6)
    p.rect((370, 280, 630, 660), (255, 236, 170), r=30, outline=c.line, width=6)
    p.rect((440, 330, 560, 610), (255, 250, 220), r=40)
    for x in (370, 610):
        p.rect((x, 280, x + 20, 660), c.base)
    p.rect((320, 650, 680, 770), c.base, r=30, outline=c.line, width=6)


def lamp(p: Pen, c: Ink) -> None:
    p.ellipse((160, 120, 560, 420), (255, 190, 110))  # the projected sunset
    p.ellipse((240, 170, 480, 370), (255, 226, 160))
    p.rect((470, 560, 530, 780), c.metal, r=16)
    p.rect((380, 770, 620, 830), c.base, r=24, outline=c.line, width=6)
    p.circle(560, 480, 110, c.base, outline=c.line, width=6)
    p.circle(530, 460, 60, (255, 236, 180))


def moon_lamp(p: Pen, c: Ink) -> None:
    glow = _mix(c.base, (255, 240, 200), 0.6)
    p.rect((380, 740, 620, 820), (196, 152, 100), r=24)  # wooden stand
    p.circle(500, 450, 280, glow, outline=_mix(glow, (0, 0, 0), 0.2), width=6)
    for x, y, r in ((400, 360, 50), (590, 420, 36), (470, 560, 60), (600, 580, 28), (380, 500, 22)):
        p.circle(x, y, r, _mix(glow, (0, 0, 0), 0.12))


def night_light(p: Pen, c: Ink) -> None:
    p.rect((320, 220, 680, 800), c.base, r=160, outline=c.line, width=6)
    p.ellipse((380, 300, 620, 560), (255, 236, 170))
    p.circle(500, 670, 40, c.glass)


def smart_plug(p: Pen, c: Ink) -> None:
    p.rect((260, 240, 740, 760), c.base, r=110, outline=c.line, width=6)
    p.circle(500, 500, 150, c.light, outline=c.line, width=6)
    p.ellipse((420, 470, 450, 530), (40, 40, 44))
    p.ellipse((550, 470, 580, 530), (40, 40, 44))
    p.circle(660, 320, 18, (80, 200, 120))


def led_strip(p: Pen, c: Ink) -> None:
    p.circle(320, 500, 200, (236, 236, 232), outline=(170, 170, 166), width=6)  # reel
    p.circle(320, 500, 80, (200, 200, 196))
    p.rect((320, 660, 860, 720), (246, 246, 243), r=10, outline=(170, 170, 166), width=4)
    for i, x in enumerate(range(360, 860, 60)):
        p.rect((x, 672, x + 30, 708), c.base if i % 2 else c.light, r=4)


def bar_light(p: Pen, c: Ink) -> None:
    p.rect((150, 380, 850, 520), c.base, r=40, outline=c.line, width=6)
    p.rect((190, 420, 810, 480), (255, 244, 200), r=20)
    p.poly(((190, 520), (810, 520), (900, 800), (100, 800)), (255, 246, 214))


def earbuds(p: Pen, c: Ink) -> None:
    p.rect((250, 480, 750, 800), c.base, r=140, outline=c.line, width=6)  # case
    p.line(((262, 600), (738, 600)), c.line, 6)
    p.circle(500, 700, 14, (80, 200, 120))
    for x in (360, 640):
        p.rect((x - 34, 300, x + 34, 520), c.base, r=34, outline=c.line, width=6)
        p.circle(x, 280, 80, c.base, outline=c.line, width=6)
        p.circle(x, 280, 36, c.dark)


def headphones(p: Pen, c: Ink) -> None:
    p.arc((220, 160, 780, 720), 200, 340, c.base, 50)
    p.arc((220, 160, 780, 720), 200, 340, c.line, 6)
    for x in (250, 750):
        p.rect((x - 70, 430, x + 70, 700), c.base, r=60, outline=c.line, width=6)
        p.rect((x - 30, 470, x + 30, 660), c.dark, r=30)


def speaker(p: Pen, c: Ink) -> None:
    p.rect((200, 320, 800, 760), c.base, r=160, outline=c.line, width=6)
    for x in (380, 620):
        p.circle(x, 540, 130, c.dark)
        p.circle(x, 540, 60, c.line)
    for x in range(260, 760, 28):
        p.line(((x, 340), (x, 360)), c.light, 6)
    p.rect((430, 300, 570, 330), (40, 40, 44), r=10)


def watch(p: Pen, c: Ink) -> None:
    p.rect((400, 100, 600, 900), c.base, r=80, outline=c.line, width=6)  # strap
    for y in (700, 760, 820):
        p.circle(500, y, 12, c.dark)
    p.rect((340, 330, 660, 670), (40, 42, 48), r=80, outline=c.metal, width=10)
    p.rect((380, 370, 620, 630), c.glass, r=56)
    p.arc((420, 410, 580, 570), 120, 420, c.light, 16)
    p.rect((660, 450, 690, 540), c.metal, r=10)


def screwdriver_set(p: Pen, c: Ink) -> None:
    p.rect((180, 300, 820, 760), c.dark, r=40)  # case
    p.rect((200, 320, 800, 740), c.base, r=30, outline=c.line, width=6)
    for i, x in enumerate(range(250, 760, 50)):
        p.rect((x, 360 + (i % 2) * 20, x + 24, 700), c.metal, r=8)
    p.rect((220, 520, 780, 560), c.light, r=10)


def tape_measure(p: Pen, c: Ink) -> None:
    p.rect((240, 260, 700, 720), c.base, r=140, outline=c.line, width=6)
    p.circle(470, 490, 140, c.dark)
    p.rect((400, 420, 540, 560), c.glass, r=20)  # laser display
    p.rect((640, 620, 880, 680), (246, 210, 50), r=6, outline=(180, 150, 40), width=4)
    for x in range(660, 880, 30):
        p.line(((x, 620), (x, 645)), (40, 40, 44), 4)


def caliper(p: Pen, c: Ink) -> None:
    p.rect((150, 440, 860, 500), c.metal, r=6, outline=(140, 146, 156), width=4)
    p.poly(((160, 440), (230, 440), (230, 760), (200, 760)), c.metal)
    p.rect((380, 400, 640, 560), c.base, r=30, outline=c.line, width=6)
    p.rect((410, 420, 610, 490), (196, 214, 196), r=8)
    p.poly(((400, 560), (450, 560), (450, 760), (420, 760)), c.metal)


def blocks(p: Pen, c: Ink) -> None:
    colours = (c.base, c.light, c.dark, (246, 196, 56), (90, 150, 220), (230, 90, 80))
    for i, (x, y) in enumerate(
        ((260, 560), (440, 560), (620, 560), (350, 380), (530, 380), (440, 200))
    ):
        p.rect((x, y, x + 170, y + 170), colours[i], r=16, outline=(255, 255, 255), width=8)


def puzzle(p: Pen, c: Ink) -> None:
    wood = (214, 176, 122)
    p.rect((200, 260, 800, 780), wood, r=20, outline=(170, 130, 80), width=6)
    p.circle(380, 420, 90, c.base)
    p.poly(((560, 340), (700, 500), (520, 500)), c.light)
    p.rect((300, 560, 460, 700), c.dark, r=10)
    p.circle(620, 630, 70, (246, 196, 56))


def robot(p: Pen, c: Ink) -> None:
    p.line(((500, 170), (500, 240)), c.line, 12)
    p.circle(500, 160, 26, (236, 70, 70))
    p.rect((340, 240, 660, 460), c.base, r=50, outline=c.line, width=6)
    p.circle(430, 350, 40, c.glass)
    p.circle(570, 350, 40, c.glass)
    p.rect((320, 470, 680, 750), c.base, r=30, outline=c.line, width=6)
    p.rect((390, 520, 610, 620), (40, 60, 110), r=10)  # solar panel
    for x in range(420, 600, 50):
        p.line(((x, 525), (x, 615)), (120, 150, 200), 4)
    p.rect((350, 750, 460, 830), c.dark, r=20)
    p.rect((540, 750, 650, 830), c.dark, r=20)


def crystal(p: Pen, c: Ink) -> None:
    for x, h, w in ((400, 420, 70), (500, 540, 90), (600, 380, 70), (450, 320, 50)):
        top = 760 - h
        p.poly(
            ((x - w, 760), (x - w, top + 60), (x, top), (x + w, top + 60), (x + w, 760)),
            c.base,
            c.line,
        )
        p.poly(((x - w, 760), (x - w, top + 60), (x, top)), c.light)
    p.rect((260, 740, 740, 820), (220, 214, 204), r=30)


def canvas(p: Pen, c: Ink) -> None:
    p.rect((200, 200, 800, 760), (250, 250, 248), outline=(180, 180, 176), width=8)
    p.ellipse((300, 300, 560, 560), c.base)
    p.ellipse((460, 400, 720, 680), c.light)
    for x in range(220, 780, 40):
        for y in range(580, 740, 40):
            p.circle(x + 20, y + 20, 12, c.dark if (x + y) % 80 else c.light)
    p.rect((700, 700, 860, 860), (220, 214, 204), r=20)


def balloons(p: Pen, c: Ink) -> None:
    for x, y, col in ((380, 340, c.base), (600, 300, c.light), (500, 460, c.dark)):
        p.line(((x, y + 160), (500, 860)), (120, 120, 120), 4)
        p.ellipse((x - 120, y - 150, x + 120, y + 160), col, outline=c.line, width=4)
        p.ellipse((x - 70, y - 110, x - 30, y - 40), (255, 255, 255))


def bunting(p: Pen, c: Ink) -> None:
    p.arc((100, 0, 900, 500), 20, 160, (120, 120, 120), 6)
    for i, x in enumerate(range(170, 800, 110)):
        y = 280 + 120 * (1 - ((x - 500) / 400) ** 2)
        p.poly(((x, y), (x + 100, y), (x + 50, y + 180)), c.base if i % 2 else c.light, c.line)


def organiser(p: Pen, c: Ink) -> None:
    p.poly(((180, 380), (820, 380), (760, 800), (240, 800)), c.base, outline=c.line)
    p.poly(((180, 380), (300, 260), (700, 260), (820, 380)), c.dark)
    for x in (390, 610):
        p.line(((x, 385), (x, 795)), c.line, 8)
    p.rect((250, 460, 750, 480), c.light, r=8)


def hammock(p: Pen, c: Ink) -> None:
    p.line(((120, 300), (260, 420)), (120, 120, 120), 8)
    p.line(((880, 300), (740, 420)), (120, 120, 120), 8)
    p.poly(((260, 400), (740, 400), (640, 640), (360, 640)), c.base, outline=c.line)
    for x in range(300, 720, 60):
        p.line(((x, 410), (x + (500 - x) * 0.25, 630)), c.light, 8)


def vacuum(p: Pen, c: Ink) -> None:
    p.rect((180, 420, 640, 620), c.base, r=100, outline=c.line, width=6)
    p.rect((240, 450, 420, 590), (200, 214, 226), r=60)  # dust bin
    p.poly(((640, 460), (860, 500), (860, 560), (640, 580)), c.dark)
    p.rect((480, 600, 560, 780), c.dark, r=30)  # handle
    p.circle(540, 500, 20, (80, 200, 120))


def cloth(p: Pen, c: Ink) -> None:
    for i, col in enumerate((c.dark, c.base, c.light)):
        y = 560 - i * 110
        p.rect((230 + i * 20, y, 770 - i * 20, y + 180), col, r=30, outline=c.line, width=4)
    p.line(((260, 340), (740, 340)), c.dark, 6)


def sunshade(p: Pen, c: Ink) -> None:
    silver = (214, 218, 224)
    p.poly(((120, 300), (880, 300), (820, 720), (180, 720)), silver, outline=(150, 154, 160))
    for x in range(180, 860, 85):
        p.line(((x, 305), (x + (500 - x) * 0.08, 715)), (180, 184, 190), 8)
    p.rect((120, 290, 880, 330), c.base, r=10)
    p.rect((180, 700, 820, 730), c.base, r=10)


def car_cover(p: Pen, c: Ink) -> None:
    p.poly(((120, 620), (200, 480), (330, 460), (420, 340), (640, 340), (760, 460), (880, 500),
            (890, 620)), c.base, outline=c.line)  # fmt: skip
    p.circle(290, 640, 80, (40, 40, 44))
    p.circle(730, 640, 80, (40, 40, 44))
    p.line(((430, 360), (630, 360)), c.light, 12)


def gap_filler(p: Pen, c: Ink) -> None:
    p.poly(((200, 300), (320, 260), (800, 720), (700, 780)), c.base, outline=c.line)
    p.poly(((230, 310), (300, 290), (560, 540), (500, 570)), c.light)
    p.rect((440, 520, 560, 600), c.dark, r=20)


DRAWINGS: dict[str, Callable[[Pen, Ink], None]] = {
    fn.__name__: fn
    for fn in (
        phone_case, screen_protector, phone_mount, charger_pad, power_bank, wall_charger, cable,
        baking_mat, cookie_cutter, piping_bag, knife, utility_knife, cutting_board, container,
        jar, bottle, dropper_bottle, tumbler, face_brush, face_roller, hair_brush, clipper, ring,
        claw_clip, collar, leash, plush, rope_toy, laser_toy, feather_wand, fountain, yoga_mat,
        dumbbell, ab_wheel, lantern, lamp, moon_lamp, night_light, smart_plug, led_strip,
        bar_light, earbuds, headphones, speaker, watch, screwdriver_set, tape_measure, caliper,
        blocks, puzzle, robot, crystal, canvas, balloons, bunting, organiser, hammock, vacuum,
        cloth, sunshade, car_cover, gap_filler,
    )
}  # fmt: skip
