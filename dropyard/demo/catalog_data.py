"""The demo catalog's data: the category tree and product words, countries and regions,
warehouses and the shipping lines with their prices (``demo.catalog`` generates from them)."""

from dataclasses import dataclass

# --- category tree and product vocabulary ------------------------------------------------------

# top → mid → leaf → product nouns. Each noun: (name, min g, max g, shipping properties).
Noun = tuple[str, int, int, tuple[str, ...]]
TREE: dict[str, dict[str, dict[str, tuple[Noun, ...]]]] = {
    "Phones & Accessories": {
        "Phone Accessories": {
            "Phone Mounts": (
                ("Car Phone Mount", 60, 180, ("magnetic",)),
                ("Bike Phone Holder", 80, 200, ()),
                ("Desk Phone Stand", 90, 300, ()),
            ),
            "Cases & Covers": (
                ("Phone Case", 20, 60, ()),
                ("Card Wallet Case", 40, 90, ("magnetic",)),
                ("Screen Protector Pack", 20, 50, ()),
            ),
        },
        "Power & Cables": {
            "Chargers": (
                ("Wireless Charger", 80, 200, ("magnetic",)),
                ("Power Bank", 180, 450, ("battery",)),
                ("Wall Charger", 50, 120, ()),
            ),
            "Cables": (
                ("USB-C Cable", 25, 80, ()),
                ("Braided Lightning Cable", 25, 70, ()),
            ),
        },
    },
    "Home & Kitchen": {
        "Kitchen Tools": {
            "Baking": (
                ("Baking Mat Set", 120, 400, ()),
                ("Cookie Cutter Set", 80, 250, ()),
                ("Piping Bag Kit", 60, 200, ()),
            ),
            "Knives & Cutting": (
                ("Vegetable Chopper", 250, 800, ("sharp",)),
                ("Chef Knife", 150, 350, ("sharp",)),
                ("Bamboo Cutting Board", 400, 1500, ()),
            ),
        },
        "Storage & Organisation": {
            "Kitchen Storage": (
                ("Food Storage Containers", 300, 1800, ()),
                ("Spice Rack Organizer", 300, 1200, ()),
            ),
            "Closet Organisers": (
                ("Drawer Divider Set", 150, 600, ()),
                ("Hanging Shoe Organizer", 200, 700, ()),
            ),
        },
    },
    "Beauty & Health": {
        "Skin Care": {
            "Face Care": (
                ("Facial Cleansing Brush", 100, 250, ("battery",)),
                ("Vitamin C Serum", 60, 150, ("liquid",)),
                ("Jade Face Roller", 80, 200, ()),
            ),
            "Body Care": (
                ("Body Scrub", 200, 500, ("liquid",)),
                ("Massage Oil", 120, 350, ("liquid",)),
            ),
        },
        "Hair Tools": {
            "Styling": (
                ("Hair Straightener Brush", 300, 700, ()),
                ("Cordless Hair Clipper", 200, 450, ("battery",)),
            ),
            "Hair Accessories": (
                ("Silk Scrunchie Set", 20, 80, ()),
                ("Claw Clip Set", 30, 120, ()),
            ),
        },
    },
    "Pet Supplies": {
        "Dogs": {
            "Dog Toys": (
                ("Chew Rope Toy", 100, 300, ()),
                ("Squeaky Plush Toy", 60, 200, ()),
            ),
            "Dog Walking": (
                ("Retractable Dog Leash", 200, 500, ()),
                ("LED Dog Collar", 40, 100, ("battery",)),
            ),
        },
        "Cats": {
            "Cat Toys": (
                ("Interactive Laser Toy", 60, 150, ("battery",)),
                ("Feather Wand Toy", 30, 100, ()),
            ),
            "Cat Care": (
                ("Self Cleaning Cat Brush", 80, 200, ()),
                ("Cat Water Fountain", 600, 1500, ()),
            ),
        },
    },
    "Sports & Outdoors": {
        "Fitness": {
            "Yoga": (
                ("Yoga Mat", 800, 2000, ()),
                ("Resistance Band Set", 150, 500, ()),
            ),
            "Strength": (
                ("Adjustable Dumbbell", 2000, 5000, ()),
                ("Ab Roller Wheel", 500, 1200, ()),
            ),
        },
        "Camping & Hiking": {
            "Camping Gear": (
                ("Camping Lantern", 200, 600, ("battery",)),
                ("Folding Camping Knife", 80, 200, ("sharp",)),
                ("Compact Hammock", 400, 900, ()),
            ),
            "Hydration": (
                ("Collapsible Water Bottle", 80, 250, ()),
                ("Insulated Tumbler", 250, 500, ()),
            ),
        },
    },
    "Toys & Hobbies": {
        "Educational Toys": {
            "Building Toys": (
                ("Magnetic Building Tiles", 500, 2500, ("magnetic",)),
                ("Wooden Puzzle Set", 200, 800, ()),
            ),
            "STEM Kits": (
                ("Solar Robot Kit", 200, 600, ()),
                ("Crystal Growing Kit", 300, 700, ("powder",)),
            ),
        },
        "Party & Crafts": {
            "Craft Supplies": (
                ("Diamond Painting Kit", 100, 400, ()),
                ("Glitter Slime Kit", 200, 600, ("liquid",)),
            ),
            "Party Supplies": (
                ("LED Balloon Set", 80, 250, ("battery",)),
                ("Birthday Banner Set", 40, 150, ()),
            ),
        },
    },
    "Consumer Electronics": {
        "Audio": {
            "Earphones": (
                ("Wireless Earbuds", 40, 120, ("battery",)),
                ("Bone Conduction Headphones", 30, 90, ("battery",)),
            ),
            "Speakers": (
                ("Portable Bluetooth Speaker", 250, 900, ("battery",)),
                ("Shower Speaker", 150, 350, ("battery",)),
            ),
        },
        "Smart Gadgets": {
            "Smart Home": (
                ("Smart Plug", 80, 150, ()),
                ("Motion Sensor Night Light", 60, 150, ("battery",)),
            ),
            "Wearables": (
                ("Fitness Tracker Band", 20, 60, ("battery",)),
                ("Smart Watch Strap", 20, 50, ()),
            ),
        },
    },
    "Home Improvement": {
        "Lighting": {
            "LED Strips": (
                ("LED Strip Lights", 150, 600, ()),
                ("Under Cabinet Light", 100, 300, ("magnetic",)),
            ),
            "Lamps": (
                ("Sunset Projection Lamp", 300, 700, ()),
                ("Moon Lamp", 200, 900, ("battery",)),
            ),
        },
        "Tools": {
            "Hand Tools": (
                ("Precision Screwdriver Set", 150, 500, ("magnetic",)),
                ("Utility Knife", 80, 200, ("sharp",)),
            ),
            "Measuring": (
                ("Laser Tape Measure", 100, 250, ("battery",)),
                ("Digital Caliper", 120, 250, ("battery",)),
            ),
        },
    },
    "Automotive": {
        "Interior Accessories": {
            "Car Organisers": (
                ("Car Seat Gap Filler", 100, 300, ()),
                ("Trunk Organizer", 800, 2500, ()),
            ),
            "Car Cleaning": (
                ("Handheld Car Vacuum", 600, 1400, ("battery",)),
                ("Microfiber Cleaning Cloth Set", 100, 400, ()),
            ),
        },
        "Exterior Accessories": {
            "Car Covers": (
                ("Windshield Sun Shade", 300, 900, ()),
                ("Waterproof Car Cover", 1500, 4800, ()),
            ),
        },
    },
}

ADJECTIVES = (
    "Magnetic", "Silicone", "Portable", "Foldable", "Premium", "Mini", "Ultra-Thin", "Heavy Duty",
    "Waterproof", "Eco-Friendly", "Adjustable", "Rechargeable", "Compact", "Deluxe", "Minimalist",
    "Ergonomic", "Non-Slip", "Stainless Steel", "Bamboo", "Vintage", "Classic", "Travel",
)  # fmt: skip
SUFFIXES = ("", "", "", "", " Set", " 2-Pack", " Pro", " Kit", " with Storage Bag", " Plus")
COLORS = ("Black", "White", "Pink", "Blue", "Green", "Grey", "Red", "Beige", "Purple", "Yellow")
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
MATERIALS = ("ABS plastic", "Silicone", "Aluminium alloy", "Cotton", "Bamboo", "Polyester",
             "Stainless steel", "Glass", "Wood", "TPU")  # fmt: skip
PACKING = ("OPP bag", "Color box", "Bubble bag", "Kraft box", "Blister pack")
HS_CODES = ("8517.62", "3924.10", "8504.40", "9503.00", "6307.90", "4202.92", "8518.30")

REVIEW_TEXTS = (
    (5, "Exactly as pictured, my customers love it."),
    (5, "Great quality for the price, arrived well packed."),
    (5, "Second order, still perfect. Will restock."),
    (4, "Good product, shipping took a few days longer than quoted."),
    (4, "Nice finish. The colour is slightly darker than the photos."),
    (3, "Does the job, packaging could be better."),
    (2, "One unit arrived scratched; support replaced it."),
    (1, "Stopped working after a week."),
)
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (60, 24, 8, 5, 3)  # skewed positive, as real marketplaces are
REVIEWER_FIRST = ("Emma", "Liam", "Sofia", "Noah", "Mia", "Lucas", "Chloe", "Mateo", "Aiko",
                  "Hannah", "Omar", "Priya", "Jonas", "Camille", "Diego", "Ava")  # fmt: skip
REVIEW_COUNTRIES = ("US", "US", "US", "GB", "DE", "FR", "CA", "AU", "BR", "ES", "IT", "NL")

# --- warehouses, carriers, lines, destinations -------------------------------------------------

# code, name, country, region, city, kind, carrier codes
WAREHOUSES: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("CN-SZ", "Shenzhen Warehouse", "CN", "Guangdong", "Shenzhen", "platform",
     ("dypost", "dyexpress", "seafreight")),
    ("CN-YW", "Yiwu Warehouse", "CN", "Zhejiang", "Yiwu", "platform",
     ("dypost", "dyexpress", "seafreight")),
    ("US-CA", "US West Warehouse", "US", "California", "Ontario", "platform",
     ("usground", "dyexpress")),
    ("US-NJ", "US East Warehouse", "US", "New Jersey", "Edison", "platform",
     ("usground", "dyexpress")),
    ("DE-FR", "Germany Warehouse", "DE", "Hesse", "Frankfurt", "platform",
     ("eulocal", "dyexpress")),
    ("GB-LN", "UK Warehouse", "GB", "England", "London", "platform", ("eulocal", "dyexpress")),
    ("FR-PA", "France Warehouse", "FR", "Île-de-France", "Paris", "platform", ("eulocal",)),
    ("TH-BK", "Thailand Warehouse", "TH", "Bangkok", "Bangkok", "platform", ("asialocal",)),
    ("ID-JK", "Indonesia Warehouse", "ID", "Jakarta", "Jakarta", "platform", ("asialocal",)),
    ("BR-SP", "Brazil Warehouse", "BR", "São Paulo", "São Paulo", "platform", ("brlocal",)),
    ("CN-SZ-F1", "Shenzhen Bright Gadgets Factory", "CN", "Guangdong", "Shenzhen", "supplier",
     ("dypost",)),
    ("CN-YW-F1", "Yiwu Home Goods Factory", "CN", "Zhejiang", "Yiwu", "supplier", ("dypost",)),
)  # fmt: skip
PLATFORM_STOCK_WEIGHTS = {"CN-SZ": 10, "CN-YW": 8, "US-CA": 4, "US-NJ": 4, "DE-FR": 3,
                          "GB-LN": 2, "FR-PA": 2, "TH-BK": 1, "ID-JK": 1, "BR-SP": 1}  # fmt: skip

CARRIERS: tuple[tuple[str, str, str], ...] = (
    ("dypost", "Dropyard Post", "https://track.dropyard.example/{number}"),
    ("dyexpress", "Dropyard Express", "https://express.dropyard.example/track/{number}"),
    ("usground", "US Ground Partner", "https://usground.example/track?n={number}"),
    ("eulocal", "EU Parcel Partner", "https://euparcel.example/{number}"),
    ("asialocal", "Asia Parcel Partner", "https://asiaparcel.example/{number}"),
    ("brlocal", "Brazil Parcel Partner", "https://brparcel.example/{number}"),
    ("seafreight", "Dropyard Sea Freight", ""),
)

# Destination country → region. 60 countries.
COUNTRIES: dict[str, str] = {
    **dict.fromkeys(("US", "CA", "MX"), "north_america"),
    **dict.fromkeys(
        ("GB", "DE", "FR", "IT", "ES", "NL", "BE", "AT", "CH", "IE", "PT", "DK", "SE", "NO",
         "FI", "PL", "CZ", "HU", "RO", "GR", "SK", "SI", "HR", "LU", "EE", "LV", "LT", "BG"),
        "europe",
    ),
    **dict.fromkeys(("AU", "NZ"), "oceania"),
    **dict.fromkeys(("JP", "KR", "SG", "MY", "TH", "ID", "PH", "VN", "TW", "HK", "IN"), "asia"),
    **dict.fromkeys(("AE", "SA", "IL", "TR", "QA", "KW"), "middle_east"),
    **dict.fromkeys(("BR", "CL", "CO", "PE", "AR"), "latin_america"),
    **dict.fromkeys(("ZA", "NG", "EG", "KE", "MA"), "africa"),
}  # fmt: skip
EU = tuple(c for c, region in COUNTRIES.items() if region == "europe")
SEA = ("TH", "ID", "MY", "SG", "PH", "VN")
# region → (first 100 g price, per extra 100 g, min days, max days) for the ordinary packet
REGION_PRICING: dict[str, tuple[int, int, int, int]] = {
    "north_america": (420, 95, 8, 15),
    "europe": (390, 85, 7, 14),
    "oceania": (450, 110, 9, 16),
    "asia": (250, 60, 5, 10),
    "middle_east": (480, 120, 10, 18),
    "latin_america": (620, 150, 15, 30),
    "africa": (680, 160, 15, 35),
}


@dataclass(frozen=True)
class LineSpec:
    """One demo shipping line: who carries it, what it may carry and where it goes from."""

    code: str
    name: str
    carrier: str
    tracked: bool
    allowed: tuple[str, ...]
    max_weight_g: int
    divisor: int
    price_factor: float  # × the region's packet price
    days_factor: float
    routes: tuple[tuple[str, tuple[str, ...]], ...]  # (origin, destinations)
    bands: bool = False


LINES: tuple[LineSpec, ...] = (
    LineSpec("DY-PACKET", "Dropyard Packet Ordinary", "dypost", True, ("magnetic",), 2000, 8000,
             1.0, 1.0, (("CN", tuple(COUNTRIES)),)),
    LineSpec("DY-PACKET-S", "Dropyard Packet Sensitive", "dypost", True,
             ("battery", "liquid", "powder", "magnetic"), 2000, 8000, 1.3, 1.15,
             (("CN", tuple(COUNTRIES)),)),
    LineSpec("DY-ECONOMY", "Dropyard Economy Untracked", "dypost", False, (), 500, 8000,
             0.6, 1.8, (("CN", tuple(COUNTRIES)),)),
    LineSpec("DY-EXPRESS", "Dropyard Express (DHL-like)", "dyexpress", True,
             ("battery", "magnetic", "sharp"), 30000, 5000, 3.2, 0.3,
             (("CN", tuple(COUNTRIES)), ("US", tuple(COUNTRIES)), ("DE", tuple(COUNTRIES)),
              ("GB", tuple(COUNTRIES)))),
    LineSpec("US-GROUND", "US Local Ground", "usground", True,
             ("battery", "liquid", "magnetic", "sharp"), 30000, 5000, 0.9, 0.35,
             (("US", ("US",)),)),
    LineSpec("EU-LOCAL", "EU Local Parcel", "eulocal", True,
             ("battery", "liquid", "magnetic", "sharp"), 20000, 5000, 1.1, 0.3,
             (("DE", EU), ("FR", EU), ("GB", ("GB", "IE")))),
    LineSpec("ASIA-LOCAL", "SEA Local Parcel", "asialocal", True,
             ("battery", "liquid", "magnetic"), 20000, 5000, 0.8, 0.4,
             (("TH", SEA), ("ID", SEA))),
    LineSpec("BR-LOCAL", "Brazil Local Parcel", "brlocal", True,
             ("battery", "liquid", "magnetic", "sharp"), 30000, 6000, 0.9, 0.4,
             (("BR", ("BR",)),)),
    LineSpec("SEA-FREIGHT", "Dropyard Sea Freight", "seafreight", True,
             ("battery", "liquid", "powder", "magnetic", "sharp"), 0, 6000, 0.5, 3.0,
             (("CN", ("US", "CA", "GB", "DE", "FR", "IT", "ES", "NL", "AU", "JP", "BR", "AE")),),
             bands=True),
)  # fmt: skip
# Postcode-specific cards: (line code, origin, dest, prefix, price factor) and remote prefixes.
POSTCODE_CARDS = (
    ("US-GROUND", "US", "US", "9", 1.15),  # the west coast is farther from the NJ-priced base
    ("US-GROUND", "US", "US", "0", 0.95),
    ("EU-LOCAL", "DE", "DE", "1", 0.9),
)
REMOTE_PREFIXES: dict[str, tuple[str, ...]] = {
    "US": ("995", "996", "997", "998", "999", "967", "968"),  # Alaska, Hawaii
    "GB": ("BT", "HS", "ZE", "KW", "IV"),  # Northern Ireland, Highlands and Islands
    "FR": ("97", "20"),  # overseas departments, Corsica
    "ES": ("35", "38", "07"),  # Canaries, Balearics
    "AU": ("08", "09", "67"),
    "BR": ("69", "68"),
}
