"""What each demo product is: its materials, HS code, picture and selling point, by category.

One table (``CATEGORY_SPECS``, leaf category → spec, with ``NOUN_SPECS`` for the products that
differ from their category) decides a demo product's material, customs code, drawing and
description bullet, so they agree with each other and with its name: no "Stainless Steel" name
beside a "Silicone build", no toy HS code on a phone mount.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductSpec:
    """What a demo product of a category is: the materials it may be made of (the first is the
    usual one), its HS code (6-digit heading, as customs declarations print it), the drawing of
    its pictures (``demo.pictures.DRAWINGS``) and the description's feature bullet."""

    materials: tuple[str, ...]
    hs_code: str
    drawing: str
    feature: str


def _spec(hs_code: str, drawing: str, materials: str, feature: str) -> ProductSpec:
    return ProductSpec(tuple(materials.split("|")), hs_code, drawing, feature)


# Leaf category → spec; NOUN_SPECS overrides it for the nouns that differ from their category
# (a power bank is not a wall charger). Every demo product takes its material, HS code, drawing and
# description from here, so they agree with each other and with the product's name.
CATEGORY_SPECS: dict[str, ProductSpec] = {
    "Phone Mounts": _spec("3926.90", "phone_mount", "ABS plastic|Aluminium alloy|Silicone",
                          "Holds phones from 4.7 to 6.9 inches"),
    "Cases & Covers": _spec("3926.90", "phone_case", "TPU|Silicone|PU leather",
                            "Raised edges protect the camera and screen"),
    "Chargers": _spec("8504.40", "charger_pad", "ABS plastic|Aluminium alloy",
                      "Over-current and over-heat protection"),
    "Cables": _spec("8544.42", "cable", "Braided nylon|TPE", "Tested for 10,000 bends"),
    "Baking": _spec("3924.10", "baking_mat", "Silicone|Stainless steel",
                    "Food-grade, dishwasher safe"),
    "Knives & Cutting": _spec("8211.92", "knife", "Stainless steel", "Hand-sharpened edge"),
    "Kitchen Storage": _spec("3924.10", "container", "Glass|PP plastic|Bamboo",
                             "Airtight lids keep food fresh"),
    "Closet Organisers": _spec("3926.90", "organiser", "Polyester|PP plastic",
                               "Folds flat when not in use"),
    "Face Care": _spec("8509.80", "face_brush", "Silicone|ABS plastic",
                       "Gentle enough for daily use"),
    "Body Care": _spec("3304.99", "jar", "Natural extracts", "Dermatologically tested"),
    "Styling": _spec("8516.32", "hair_brush", "ABS plastic|Ceramic", "Heats up in 60 seconds"),
    "Hair Accessories": _spec("9615.19", "ring", "Silk|Satin|Acetate",
                              "Gentle on hair, no creases"),
    "Dog Toys": _spec("6307.90", "plush", "Cotton|Polyester",
                      "Reinforced seams for strong chewers"),
    "Dog Walking": _spec("4201.00", "leash", "Nylon|ABS plastic",
                         "Reflective stitching for night walks"),
    "Cat Toys": _spec("3926.90", "laser_toy", "ABS plastic|Feathers", "Keeps indoor cats active"),
    "Cat Care": _spec("9603.29", "hair_brush", "ABS plastic|Stainless steel", "Easy to clean"),
    "Yoga": _spec("9506.91", "yoga_mat", "TPE|Natural rubber|NBR foam", "Non-slip on both sides"),
    "Strength": _spec("9506.91", "dumbbell", "Cast iron|Steel", "Knurled grip"),
    "Camping Gear": _spec("9405.40", "lantern", "Aluminium alloy|ABS plastic",
                          "Light enough for a day pack"),
    "Hydration": _spec("9617.00", "tumbler", "Stainless steel|Silicone",
                       "BPA free, leak-proof lid"),
    "Building Toys": _spec("9503.00", "blocks", "ABS plastic|Wood",
                           "Rounded edges, for ages 3 and up"),
    "STEM Kits": _spec("9503.00", "robot", "ABS plastic", "Step-by-step picture guide"),
    "Craft Supplies": _spec("9503.00", "canvas", "Resin|Canvas", "Everything needed in one box"),
    "Party Supplies": _spec("9505.90", "balloons", "Latex|Paper", "Reusable for the next party"),
    "Earphones": _spec("8518.30", "earbuds", "ABS plastic|Silicone",
                       "Bluetooth 5.3, 30 h with the case"),
    "Speakers": _spec("8518.22", "speaker", "ABS plastic|Silicone", "IPX7 splash proof"),
    "Smart Home": _spec("8536.69", "smart_plug", "PC plastic",
                        "Works with the usual voice assistants"),
    "Wearables": _spec("9113.90", "watch", "Silicone|Nylon|TPU", "Quick-release pins"),
    "LED Strips": _spec("9405.42", "led_strip", "PVC|Aluminium alloy",
                        "Cut to length every 3 LEDs"),
    "Lamps": _spec("9405.21", "lamp", "ABS plastic|PLA", "Warm light, dimmable"),
    "Hand Tools": _spec("8205.40", "screwdriver_set", "Chrome vanadium steel|Stainless steel",
                        "Magnetised tips"),
    "Measuring": _spec("9017.80", "tape_measure", "ABS plastic|Stainless steel",
                       "Accurate to ±0.02 mm"),
    "Car Organisers": _spec("4202.92", "organiser", "PU leather|Oxford fabric",
                            "Fits most cars and SUVs"),
    "Car Cleaning": _spec("8508.11", "vacuum", "ABS plastic|Microfiber",
                          "Scratch-free on paint and glass"),
    "Car Covers": _spec("6307.90", "sunshade", "Oxford fabric|Polyester", "UV-reflective coating"),
}  # fmt: skip
NOUN_SPECS: dict[str, ProductSpec] = {
    "Screen Protector Pack": _spec("7007.19", "screen_protector", "Tempered glass",
                                   "9H hardness, bubble-free install"),
    "Card Wallet Case": _spec("4202.32", "phone_case", "PU leather|TPU", "Holds three cards"),
    "Power Bank": _spec("8507.60", "power_bank", "ABS plastic|Aluminium alloy",
                        "10,000 mAh, charges two devices"),
    "Wall Charger": _spec("8504.40", "wall_charger", "PC plastic", "GaN, 65 W fast charging"),
    "Cookie Cutter Set": _spec("8215.99", "cookie_cutter", "Stainless steel",
                               "Clean, sharp shapes"),
    "Piping Bag Kit": _spec("3924.10", "piping_bag", "Silicone|Stainless steel",
                            "Reusable bags and nozzles"),
    "Vegetable Chopper": _spec("8210.00", "container", "PP plastic|Stainless steel",
                               "Chops and catches in one go"),
    "Bamboo Cutting Board": _spec("4419.90", "cutting_board", "Bamboo", "Juice groove on the edge"),
    "Spice Rack Organizer": _spec("4421.99", "organiser", "Bamboo|Stainless steel", "Fits 20 jars"),
    "Vitamin C Serum": _spec("3304.99", "dropper_bottle", "Natural extracts",
                             "15% vitamin C with hyaluronic acid"),
    "Jade Face Roller": _spec("7116.20", "face_roller", "Jade stone|Zinc alloy",
                              "Cool to the touch"),
    "Massage Oil": _spec("3304.99", "bottle", "Natural extracts", "Cold-pressed oils"),
    "Cordless Hair Clipper": _spec("8510.20", "clipper", "ABS plastic|Stainless steel",
                                   "Two hours per charge"),
    "Claw Clip Set": _spec("9615.19", "claw_clip", "Acetate", "Strong hold for thick hair"),
    "Chew Rope Toy": _spec("6307.90", "rope_toy", "Cotton", "Cleans teeth while playing"),
    "LED Dog Collar": _spec("4201.00", "collar", "Nylon", "Three light modes, USB rechargeable"),
    "Feather Wand Toy": _spec("9503.00", "feather_wand", "Feathers|Wood",
                              "Replaceable feather head"),
    "Cat Water Fountain": _spec("8413.70", "fountain", "ABS plastic|Stainless steel",
                                "Whisper-quiet pump"),
    "Resistance Band Set": _spec("9506.91", "ring", "Natural latex|TPE", "Five resistance levels"),
    "Ab Roller Wheel": _spec("9506.91", "ab_wheel", "ABS plastic|Steel", "Knee pad included"),
    "Folding Camping Knife": _spec("8211.93", "utility_knife", "Stainless steel", "Locking blade"),
    "Compact Hammock": _spec("6306.90", "hammock", "Nylon", "Holds up to 200 kg"),
    "Collapsible Water Bottle": _spec("3924.10", "bottle", "Silicone",
                                      "Folds to a third of its size"),
    "Wooden Puzzle Set": _spec("9503.00", "puzzle", "Wood", "Non-toxic water-based paint"),
    "Crystal Growing Kit": _spec("9503.00", "crystal", "Glass|Mineral salts",
                                 "Grows crystals in 3 days"),
    "Glitter Slime Kit": _spec("9503.00", "jar", "PVA glue|PP plastic", "Non-toxic, washable"),
    "Birthday Banner Set": _spec("9505.90", "bunting", "Paper", "Pre-strung, ready to hang"),
    "Bone Conduction Headphones": _spec("8518.30", "headphones", "Titanium alloy|Silicone",
                                        "Open-ear, sweat-proof"),
    "Motion Sensor Night Light": _spec("9405.21", "night_light", "ABS plastic",
                                       "Lights up when you walk by"),
    "Fitness Tracker Band": _spec("8517.62", "watch", "Silicone|TPU",
                                  "Heart rate and sleep tracking"),
    "Under Cabinet Light": _spec("9405.42", "bar_light", "Aluminium alloy",
                                 "Magnetic mount, no drilling"),
    "Moon Lamp": _spec("9405.21", "moon_lamp", "PLA", "3D-printed lunar surface"),
    "Utility Knife": _spec("8211.93", "utility_knife", "Stainless steel|ABS plastic",
                           "Snap-off blades"),
    "Digital Caliper": _spec("9017.30", "caliper", "Stainless steel", "Accurate to ±0.02 mm"),
    "Car Seat Gap Filler": _spec("4202.92", "gap_filler", "PU leather",
                                 "Stops phones falling under the seat"),
    "Microfiber Cleaning Cloth Set": _spec("6307.10", "cloth", "Microfiber",
                                           "Lint-free, machine washable"),
    "Waterproof Car Cover": _spec("6307.90", "car_cover", "Oxford fabric",
                                  "Elastic hem, fits snugly"),
}  # fmt: skip
# Name adjectives that claim a material or a feature: a product only takes one its spec allows.
MATERIAL_ADJECTIVES = {"Silicone": "Silicone", "Stainless Steel": "Stainless steel",
                       "Bamboo": "Bamboo"}  # fmt: skip
FEATURE_ADJECTIVES = {"Magnetic": "magnetic", "Rechargeable": "battery"}  # → shipping property
NEUTRAL_ADJECTIVES = ("Portable", "Premium", "Mini", "Compact", "Deluxe", "Minimalist", "Classic",
                      "Travel", "Ergonomic")  # fmt: skip


def product_spec(leaf: str, noun: str) -> ProductSpec:
    """The spec of a product named after ``noun`` in the leaf category ``leaf``."""
    return NOUN_SPECS.get(noun) or CATEGORY_SPECS[leaf]
