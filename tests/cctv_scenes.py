"""Labelled CCTV scenes of a one-stop-shop counter, built from the photographs scikit-image ships (no download).

The empty counter is the indoor scene of ``skimage.data.stereo_motorcycle`` (a workshop, cropped to 16:9 and
resized to 1280×720) with a service counter drawn across it. Staff are the astronaut's upper body
(``skimage.data.astronaut``) standing behind the counter; citizens are the ``lfw_subset`` faces on a torso, or the
astronaut again, in the citizen zone in front of it. Each scene varies people, positions, scales, exposure, noise
and JPEG quality from a fixed seed, so the set is the same on every run.

Classes (``Scene.kind``): empty, staffed, queue (citizens at an empty counter), staffed_queue, dark, covered,
blurred, frozen (the last frame of a busy sequence repeated), displaced (shifted, rotated or zoomed view).
A scene carries the snapshots that came before it, so frozen and "people just left" cases are sequences.
"""

import functools
from dataclasses import dataclass, replace

import cv2
import numpy as np
from skimage import data

WIDTH, HEIGHT = 1280, 720
# Zones in coordinates relative to the frame (x, y), as a camera's settings would hold them.
STAFF_ZONE = ((0.26, 0.10), (0.74, 0.10), (0.74, 0.60), (0.26, 0.60))
CITIZEN_ZONE = ((0.0, 0.66), (1.0, 0.66), (1.0, 1.0), (0.0, 1.0))
COUNTER_TOP, COUNTER_BOTTOM = 0.60, 0.68  # the desk slab, relative heights
TAMPER_FLAGS = ("dark", "covered", "blurred", "frozen", "displaced")
KINDS = ("empty", "staffed", "queue", "staffed_queue", *TAMPER_FLAGS)


@dataclass(frozen=True)
class Scene:
    name: str
    kind: str
    jpeg: bytes
    previous: tuple[bytes, ...]  # earlier snapshots of the same camera, oldest first
    in_working_hours: bool
    staffed: bool | None  # None: not to be judged (tampered view)
    people: int | None  # citizens in the citizen zone; None: not to be judged
    flags: frozenset[str]  # flags the analyser must raise: queue_unstaffed and the tamper flags


@dataclass
class Person:
    image: np.ndarray  # BGR
    mask: np.ndarray  # float32 0–1, soft edge


def encode(frame: np.ndarray, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return buffer.tobytes()


def decode(jpeg: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


@functools.cache
def empty_counter() -> np.ndarray:
    """The empty scene at full size, before exposure and noise: the workshop with a counter across it."""
    left, _right, _disparity = data.stereo_motorcycle()
    crop = left[40:40 + 417, :741]  # 741×417 is 16:9
    scene = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_RGB2BGR), (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(7)
    top, bottom = int(COUNTER_TOP * HEIGHT), int(COUNTER_BOTTOM * HEIGHT)
    # Wood grain: noise stretched along the desk, over a warm brown.
    grain = cv2.resize(rng.normal(0, 1, (bottom - top, 40)).astype(np.float32), (WIDTH, bottom - top))
    grain = cv2.GaussianBlur(grain, (0, 0), 1.5) * 14
    desk = np.empty((bottom - top, WIDTH, 3), np.float32)
    desk[:] = (70, 105, 150)
    desk += grain[..., None]
    desk[:6] += 45  # lit front edge of the desk top
    scene[top:bottom] = np.clip(desk, 0, 255).astype(np.uint8)
    cv2.putText(scene, "QUAY 3", (int(0.45 * WIDTH), bottom - 18), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (235, 235, 235), 3)
    return scene


@functools.cache
def astronaut() -> Person:
    image = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.ellipse(mask, (226, 98), (76, 90), 0, 0, 360, 255, -1)
    body = [(150, 170), (298, 170), (318, 228), (348, 275), (364, 340), (368, 511), (18, 511), (22, 400),
            (35, 300), (70, 255), (118, 235)]
    cv2.fillPoly(mask, [np.array(body, np.int32)], 255)
    x, y, w, h = cv2.boundingRect(mask)
    soft = cv2.GaussianBlur(mask, (0, 0), 2).astype(np.float32) / 255
    return Person(image[y:y + h, x:x + w].copy(), soft[y:y + h, x:x + w].copy())


@functools.cache
def lfw_faces() -> np.ndarray:
    return data.lfw_subset()[:100]  # the first hundred are faces, the rest are not


@functools.cache
def lfw_person(index: int, seed: int) -> Person:
    """A citizen seen from the chest up: an lfw face as the head over a torso in clothes of a clear colour."""
    rng = np.random.default_rng([index, seed])
    face = cv2.resize((lfw_faces()[index] * 255).astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
    skin = np.array([rng.uniform(0.55, 0.8), rng.uniform(0.7, 0.9), 1.0])  # B, G, R tint of the grey face
    width, height = 280, 330
    image = np.zeros((height, width, 3), np.float32)
    mask = np.zeros((height, width), np.uint8)
    hsv = np.uint8([[[rng.integers(180), rng.integers(110, 256), rng.integers(60, 240)]]])
    clothes = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)
    torso = np.array([(70, 150), (210, 150), (262, 205), (280, 330), (0, 330), (18, 205)], np.int32)
    cv2.fillPoly(mask, [torso], 255)
    image[mask > 0] = clothes
    image += rng.normal(0, 6, (height, width, 1)).astype(np.float32)  # fabric texture
    head = np.zeros((height, width), np.uint8)
    cv2.ellipse(head, (140, 92), (48, 60), 0, 0, 360, 255, -1)
    image[30:130, 90:190] = np.where(head[30:130, 90:190, None] > 0, face[..., None] * skin, image[30:130, 90:190])
    cv2.ellipse(image, (140, 50), (50, 26), 0, 180, 360, tuple(rng.uniform(10, 60, 3).tolist()), -1)  # hair
    mask = cv2.bitwise_or(mask, head)
    cv2.ellipse(mask, (140, 50), (50, 26), 0, 180, 360, 255, -1)
    soft = cv2.GaussianBlur(mask, (0, 0), 1.5).astype(np.float32) / 255
    return Person(np.clip(image, 0, 255).astype(np.uint8), soft)


@dataclass(frozen=True)
class Placement:
    """One person in a frame: which (None: the astronaut, else an lfw index), where, how big, how lit."""

    lfw: int | None
    seed: int
    left: int
    top: int
    height: int
    flip: bool
    tint: tuple[float, float, float]
    staff: bool

    def person(self) -> Person:
        return astronaut() if self.lfw is None else lfw_person(self.lfw, self.seed)

    def jittered(self, rng: np.random.Generator, pixels: int) -> "Placement":
        """The same person a moment later, having moved a few pixels."""
        dx = int(rng.choice([-1, 1]) * rng.integers(2, pixels + 1))
        dy = int(rng.integers(-pixels, pixels + 1))
        return replace(self, left=self.left + dx, top=self.top + dy)


def layout(rng: np.random.Generator, *, staffed: bool, citizens: int) -> tuple[Placement, ...]:
    """A member of staff behind the counter or not, and ``citizens`` people in front, apart from each other."""
    placements = []
    if staffed:
        height = int(rng.uniform(0.50, 0.62) * HEIGHT)
        width = height * astronaut().image.shape[1] / astronaut().image.shape[0]
        left = int(rng.uniform(STAFF_ZONE[0][0] * WIDTH, STAFF_ZONE[1][0] * WIDTH - width))
        top = int(rng.uniform(0.11, 0.17) * HEIGHT)
        tint = tuple(rng.uniform(0.8, 1.15, 3).tolist())
        placements.append(Placement(None, 0, left, top, height, bool(rng.integers(2)), tint, staff=True))  # type: ignore[arg-type]
    for slot in sorted(rng.permutation(4)[:citizens]):  # four places along the counter
        height = int(rng.uniform(0.36, 0.44) * HEIGHT)
        top = int(rng.uniform(0.69, 0.74) * HEIGHT)
        if rng.random() < 0.7:
            lfw, tint = int(rng.integers(100)), (1.0, 1.0, 1.0)
        else:
            lfw, tint = None, tuple(rng.uniform(0.6, 1.2, 3).tolist())
        seed = int(rng.integers(1000))
        person = astronaut() if lfw is None else lfw_person(lfw, seed)
        width = height * person.image.shape[1] / person.image.shape[0]
        left = int(slot * WIDTH / 4 + rng.uniform(0.02, 0.98) * max(1.0, WIDTH / 4 - width))
        placements.append(Placement(lfw, seed, left, top, height, bool(rng.integers(2)), tint, staff=False))  # type: ignore[arg-type]
    return tuple(placements)


def paste(frame: np.ndarray, placement: Placement, below: int | None = None) -> None:
    """Paint a person with the top-left corner at (left, top), cut off under ``below``."""
    person = placement.person()
    left, top, height = placement.left, placement.top, placement.height
    size = (max(1, round(person.image.shape[1] * height / person.image.shape[0])), height)
    image = cv2.resize(person.image, size, interpolation=cv2.INTER_AREA).astype(np.float32) * placement.tint
    mask = cv2.resize(person.mask, size, interpolation=cv2.INTER_AREA)
    if placement.flip:
        image, mask = image[:, ::-1], mask[:, ::-1]
    bottom = min(top + height, HEIGHT if below is None else below)
    x0, x1 = max(left, 0), min(left + size[0], WIDTH)
    if bottom <= top or x1 <= x0:
        return
    region = frame[top:bottom, x0:x1].astype(np.float32)
    alpha = mask[: bottom - top, x0 - left:x1 - left, None]
    blended = region * (1 - alpha) + image[: bottom - top, x0 - left:x1 - left] * alpha
    frame[top:bottom, x0:x1] = np.clip(blended, 0, 255).astype(np.uint8)


def render(placements: tuple[Placement, ...]) -> np.ndarray:
    """The counter with its people, before exposure: staff disappear behind the desk, citizens stand in front."""
    frame = empty_counter().copy()
    for placement in placements:
        if placement.staff:
            paste(frame, placement, below=int(COUNTER_TOP * HEIGHT))
    for placement in placements:
        if not placement.staff:
            paste(frame, placement)
    return frame


def scene_frame(rng: np.random.Generator, *, staffed: bool, citizens: int) -> np.ndarray:
    return render(layout(rng, staffed=staffed, citizens=citizens))


@functools.cache
def noise_field() -> np.ndarray:
    """Unit sensor noise, larger than a frame: each snapshot reads it at a random offset (fast and seeded)."""
    return np.random.default_rng(11).standard_normal((HEIGHT + 97, WIDTH + 131, 3), dtype=np.float32)


def expose(frame: np.ndarray, rng: np.random.Generator, *, gain: float | None = None,
           noise: float | None = None) -> np.ndarray:
    """What the sensor makes of it: exposure gain, a soft light falloff and noise."""
    gain = rng.uniform(0.7, 1.3) if gain is None else gain
    noise = rng.uniform(1.5, 4.0) if noise is None else noise
    xs = np.linspace(-1, 1, WIDTH, dtype=np.float32)
    falloff = 1 - rng.uniform(0, 0.08) * xs[None, :] ** 2
    light = frame.astype(np.float32) * (gain * falloff)[..., None]
    dy, dx = int(rng.integers(97)), int(rng.integers(131))
    light += noise * noise_field()[dy:dy + HEIGHT, dx:dx + WIDTH]
    return np.clip(light, 0, 255).astype(np.uint8)


def snapshot(frame: np.ndarray, rng: np.random.Generator, **exposure) -> bytes:
    return encode(expose(frame, rng, **exposure), int(rng.integers(70, 91)))


def reference_jpeg() -> bytes:
    """The camera's reference frame: the empty counter, well exposed."""
    return encode(expose(empty_counter(), np.random.default_rng(1), gain=1.0, noise=2.0), 90)


def covering(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A cloth, a hand or a sheet of paper over the lens: smooth, nearly uniform, with some of the view left."""
    base = rng.uniform(70, 230) * np.array(rng.uniform(0.75, 1.0, 3), np.float32)
    shade = cv2.resize(rng.normal(0, 1, (3, 5)).astype(np.float32), (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
    cover = base[None, None, :] * (1 + 0.12 * shade[..., None])
    alpha = np.ones((HEIGHT, WIDTH), np.float32)
    if rng.random() < 0.5:  # part of the view shows past the edge of the cover
        edge = int(rng.uniform(0.05, 0.2) * WIDTH)
        if rng.random() < 0.5:
            alpha[:, :edge] = 0
        else:
            alpha[:, WIDTH - edge:] = 0
        alpha = cv2.GaussianBlur(alpha, (0, 0), 25)
    out = frame.astype(np.float32) * (1 - alpha[..., None]) + cover * alpha[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def out_of_focus(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.5:
        return cv2.GaussianBlur(frame, (0, 0), rng.uniform(2.5, 9))
    radius = int(rng.integers(5, 15))
    disc = np.zeros((2 * radius + 1, 2 * radius + 1), np.float32)
    cv2.circle(disc, (radius, radius), radius, 1.0, -1)
    return cv2.filter2D(frame, -1, disc / disc.sum())


def moved(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The camera was turned, tilted or zoomed: the same room, no longer lined up with the reference."""
    how = rng.integers(3)
    centre = (WIDTH / 2, HEIGHT / 2)
    if how == 0:
        matrix = np.float32([[1, 0, rng.choice([-1, 1]) * rng.uniform(0.06, 0.15) * WIDTH],
                             [0, 1, rng.choice([-1, 1]) * rng.uniform(0.0, 0.10) * HEIGHT]])
    elif how == 1:
        matrix = cv2.getRotationMatrix2D(centre, rng.choice([-1, 1]) * rng.uniform(5, 15), 1.0)
    else:
        matrix = cv2.getRotationMatrix2D(centre, rng.uniform(-3, 3), rng.uniform(1.2, 1.5))
    return cv2.warpAffine(frame, matrix, (WIDTH, HEIGHT), borderMode=cv2.BORDER_REFLECT_101)


def busy_sequence(rng: np.random.Generator, length: int) -> list[bytes]:
    """Snapshots of a working counter: staff and citizens come and go."""
    return [snapshot(scene_frame(rng, staffed=bool(rng.random() < 0.8), citizens=int(rng.integers(1, 4))), rng)
            for _ in range(length)]


def build_class(kind: str, index: int) -> Scene:
    rng = np.random.default_rng([KINDS.index(kind), index])
    name = f"{kind}-{index:02d}"
    previous: list[bytes] = []
    working = True
    if kind in ("empty", "staffed", "queue", "staffed_queue"):
        staffed = kind in ("staffed", "staffed_queue")
        citizens = int(rng.integers(1, 4)) if kind.endswith("queue") else 0
        if kind == "queue" and index % 6 == 5:
            working = False  # a queue after hours is no unstaffed counter
        placements = layout(rng, staffed=staffed, citizens=citizens)
        gain = rng.uniform(0.7, 1.3)
        if kind == "empty" and index % 3 == 0:
            # People just left: the earlier frames were busy, this one is the empty room (not frozen).
            previous = busy_sequence(rng, 3) + [snapshot(render(()), rng, gain=gain)]
        elif placements and index % 4 == 3:
            # The same people keeping nearly still under steady light: a live camera, not a frozen one.
            previous = [snapshot(render(tuple(p.jittered(rng, 6) for p in placements)), rng, gain=gain)
                        for _ in range(3)]
            placements = tuple(p.jittered(rng, 6) for p in placements)
        elif index % 2:
            previous = busy_sequence(rng, 2)
        jpeg = snapshot(render(placements), rng, gain=gain)
        flags = {"queue_unstaffed"} if kind == "queue" and working else set()
        return Scene(name, kind, jpeg, tuple(previous), working, staffed if working else None, citizens,
                     frozenset(flags))
    frame = scene_frame(rng, staffed=bool(rng.random() < 0.5), citizens=int(rng.integers(0, 3)))
    if kind == "dark":
        jpeg = snapshot(frame, rng, gain=rng.uniform(0.04, 0.15), noise=rng.uniform(1.5, 4.0))
    elif kind == "covered":
        jpeg = snapshot(covering(frame, rng), rng)
    elif kind == "blurred":
        jpeg = encode(out_of_focus(expose(frame, rng), rng), int(rng.integers(70, 91)))
    elif kind == "displaced":
        jpeg = encode(moved(expose(frame, rng), rng), int(rng.integers(70, 91)))
    elif kind == "frozen":
        # The recorder keeps sending its last picture, re-encoded, after a busy spell.
        previous = busy_sequence(rng, int(rng.integers(2, 5)))
        still = decode(previous[-1])
        previous += [encode(still, int(rng.integers(70, 91))) for _ in range(int(rng.integers(0, 3)))]
        jpeg = encode(still, int(rng.integers(70, 91)))
    else:
        raise ValueError(kind)
    return Scene(name, kind, jpeg, tuple(previous), True, None, None, frozenset({kind}))


@functools.cache
def build_scenes(per_class: int = 24) -> tuple[Scene, ...]:
    """``per_class`` labelled scenes of every class, the same on every run."""
    return tuple(build_class(kind, index) for kind in KINDS for index in range(per_class))
