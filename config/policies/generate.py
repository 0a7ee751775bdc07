#!/usr/bin/python3
"""Writes misty-safe.yaml and misty-readonly.yaml from the Misty API catalogue.

Usage: /usr/bin/python3 config/policies/generate.py [path/to/endpoints.json] [path/to/events.json]
(defaults: /work/shared/misty-api/*.json, or policy/src/test/resources/misty-api/*.json).

The YAML files are committed and are what mistyproxy reads; this script only keeps them in step
with the catalogue. The choices (what is allowed, the safe ranges) are in the tables below, and
policy/src/test/.../ShippedPoliciesTest checks the outcome endpoint by endpoint.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def find(name):
    for d in ("/work/shared/misty-api", os.path.join(ROOT, "policy/src/test/resources/misty-api")):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    sys.exit("cannot find " + name)


ENDPOINTS = sys.argv[1] if len(sys.argv) > 1 else find("endpoints.json")
EVENTS = sys.argv[2] if len(sys.argv) > 2 else find("events.json")

# Allowed categories' endpoints that stay blocked, with the reason written next to the rule.
BLOCKED = {
    "GetSavedWifiNetworks": "lists the owner's saved Wi-Fi networks",
    "GetAvailableWifiNetworks": "a scan of nearby Wi-Fi networks locates the robot",
    "GetLogFile": "raw robot logs (up to 3 MB) can hold secrets and private data",
    "DisplayWebView": "its URL parameter makes the robot fetch an outside web page",
    "SpeakAzure": "makes the robot call Azure with caller-supplied keys (an outside request)",
    "DriveToLocation": "autonomous SLAM navigation: speed and distance cannot be bounded by a rule",
    "FollowPath": "autonomous SLAM navigation: speed and distance cannot be bounded by a rule",
}

# Safe limits that replace the catalogue's ranges (motion) and extra constraints.
NO_URL = r"^[^:/\\]+$"  # a plain file name on the robot: no scheme, no directories
OVERRIDES = {
    "Drive": {"LinearVelocity": {"range": [-30, 30]}, "AngularVelocity": {"range": [-50, 50]}},
    "DriveTime": {"LinearVelocity": {"range": [-30, 30]}, "AngularVelocity": {"range": [-50, 50]},
                  "TimeMs": {"range": [100, 10000]}, "Degree": {"range": [-360, 360]}},
    "DriveTrack": {"LeftTrackSpeed": {"range": [-30, 30]}, "RightTrackSpeed": {"range": [-30, 30]}},
    "DriveArc": {"Radius": {"range": [-2, 2]}, "TimeMs": {"range": [500, 10000]}},
    "DriveHeading": {"Distance": {"range": [-1, 1]}, "TimeMs": {"range": [500, 10000]}},
    "Stop": {"Hold": {"enum": [False]}},
    "MoveArm": {"Units": {"enum": ["degrees"]}, "Duration": {"range": [0, 10]}},
    "MoveArms": {"Units": {"enum": ["degrees"]}, "Duration": {"range": [0, 10]}},
    "MoveHead": {"Units": {"enum": ["degrees"]}, "Duration": {"range": [0, 10]}},
    "DisplayImage": {"FileName": {"pattern": NO_URL}, "IsUrl": {"enum": [False]}},
    "DisplayVideo": {"FileName": {"pattern": NO_URL}, "IsUrl": {"enum": [False]}},
    "PlayAudio": {"FileName": {"pattern": NO_URL}},
    "PlayAndListen": {"AudioFile": {"pattern": NO_URL}},
    "Speak": {"Text": {"max_length": 1000}},
    "SpeakAndListen": {"Text": {"max_length": 1000}},
    "DisplayText": {"Text": {"max_length": 500}},
}
WHY = {
    "Stop": "Hold: true keeps the motors straining, so only Hold: false (or absent) passes",
    "MoveArm": "ranges are in degrees, so Units must be degrees",
    "MoveArms": "ranges are in degrees, so Units must be degrees",
    "MoveHead": "ranges are in degrees, so Units must be degrees",
    "DisplayImage": "IsUrl: true would make the robot fetch FileName from the internet",
    "DisplayVideo": "IsUrl: true would make the robot fetch FileName from the internet",
    "PlayAudio": "FileName may be an http/https/rtsp URL the robot fetches; only plain file names pass",
    "PlayAndListen": "AudioFile must be a file on the robot, not a URL",
}
RATES = {
    "Drive": "10/s", "DriveTime": "10/s", "DriveTrack": "10/s", "DriveArc": "5/s", "DriveHeading": "5/s",
    "MoveArm": "10/s", "MoveArms": "10/s", "MoveHead": "10/s",
    "Speak": "30/min", "SpeakAndListen": "30/min", "PlayAudio": "30/min", "PlayAndListen": "30/min",
    "ChangeLED": "10/s", "TransitionLED": "10/s",
}
# Motion that runs until told otherwise: mistyproxy leases it (motion_lease_ms per deployment) and
# sends POST /api/drive/stop itself when the borrower goes quiet. From the catalogue's motion
# commands: Drive and DriveTrack run until cancelled; DriveArc and DriveHeading take a TimeMs that the
# robot does not bound (misty-safe bounds it to 10 s, still far longer than a lease), so they are
# leased too; DriveToLocation and FollowPath navigate until the goal is reached (blocked in
# misty-safe, leased wherever a copy allows them). DriveTime is bounded by its own TimeMs (the rule's
# range enforces it), and Stop, Halt and the arm and head moves end by themselves.
LEASED = {
    "Drive": "runs until cancelled",
    "DriveTrack": "runs until cancelled",
    "DriveArc": "TimeMs has no upper bound on the robot",
    "DriveHeading": "TimeMs has no upper bound on the robot",
    "DriveToLocation": "navigates until the goal is reached",
    "FollowPath": "navigates until the path ends",
}
# Dropped from the schema (so refused, because every rule says default: block).
DROP = {
    "TakePicture": {"FileName": "would save the picture on the robot", "OverwriteExisting": "goes with FileName"},
}
READONLY_DROP = {
    "TakePicture": {"DisplayOnScreen": "would show the picture on the robot's screen"},
}
REDACT = {
    "GetDeviceInformation": ["**.currentPreSharedKey", "**.password", "**.preSharedKey"],
}
BLOCKED_EVENT_CATEGORIES = {"skill"}


def is_camera_read(e):
    return e["verb"] == "GET" and e["path"].startswith("/api/cameras/")


def yaml_scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v)
    if s == "" or any(c in s for c in ":#'\"{}[],&*!|>%@`\\") or s.strip() != s or s.lower() in (
            "true", "false", "yes", "no", "on", "off", "null", "~") or s[0].isdigit() or s[0] == "-":
        return "'" + s.replace("'", "''") + "'"
    return s


def schema_lines(e, drop):
    out = []
    overrides = OVERRIDES.get(e["name"], {})
    for p in e["params"]:
        if p["name"] in drop:
            continue
        o = overrides.get(p["name"], {})
        out.append("      - name: " + yaml_scalar(p["name"]))
        out.append("        type: " + p["type"])
        rng = o.get("range", p.get("range"))
        if rng is not None and p["type"] in ("int", "float"):
            lo, hi = rng
            if "range" not in o and p.get("range_exclusive"):
                if p["type"] == "int":
                    lo = lo + 1 if lo is not None else None
                    hi = hi - 1 if hi is not None else None
            out.append("        range: [%s, %s]" % (yaml_scalar(lo), yaml_scalar(hi))
                       + ("   # safe limit; the robot allows %s" % p.get("range") if "range" in o and p.get("range") else
                          "   # safe limit" if "range" in o else
                          "   # docs: exclusive" if p.get("range_exclusive") else ""))
        en = o.get("enum", p.get("enum"))
        if en is not None and p["type"] in ("string", "int", "bool"):
            out.append("        enum: [%s]" % ", ".join(yaml_scalar(x) for x in en))
        ml = o.get("max_length", p.get("max_length"))
        if ml is not None and p["type"] == "string":
            out.append("        max_length: %d" % ml)
        pat = o.get("pattern", p.get("pattern"))
        if pat is not None and p["type"] == "string":
            out.append("        pattern: " + yaml_scalar(pat)
                       + ("   # a file name on the robot, not a URL" if pat == NO_URL else ""))
        if not p["required"]:
            out.append("        optional: true")
    return out


def rule_lines(e, path, drop, readonly):
    lines = []
    note = " (alternative path)" if path != e["path"] else ""
    lines.append("  # %s%s [%s]%s" % (e["name"], note, e["category"],
                                       (": " + WHY[e["name"]]) if e["name"] in WHY else ""))
    for k, why in drop.items():
        lines.append("  #   %s is left out of the schema, so refused: %s" % (k, why))
    lines.append("  - verb: " + e["verb"])
    lines.append("    uri: " + path)
    lines.append("    default: block       # parameters not listed below are refused")
    if e["name"] in RATES:
        lines.append("    rate: " + RATES[e["name"]])
    if e["name"] in LEASED:
        lines.append("    lease: motion        # %s: stopped when the borrower goes quiet" % LEASED[e["name"]])
    if e["name"] in REDACT:
        lines.append("    redact: [%s]   # the hotspot password, present while the hotspot is on" %
                     ", ".join(yaml_scalar(r) for r in REDACT[e["name"]]))
    sl = schema_lines(e, drop)
    if sl:
        lines.append("    schema:")
        lines.extend(sl)
    return lines


def allowed(e, readonly):
    if e["name"] in BLOCKED:
        return False
    if is_camera_read(e):
        return True
    cats = {"info"} if readonly else {"info", "expression", "motion"}
    return e["category"] in cats


def websocket_lines(events, readonly):
    types = [ev["type"] for ev in events if ev["category"] not in BLOCKED_EVENT_CATEGORIES]
    blocked = [ev["type"] for ev in events if ev["category"] in BLOCKED_EVENT_CATEGORIES]
    lines = ["", "# /pubsub: sensor, perception, audio and system events may be subscribed to; skill events",
             "# (debug output and state of the owner's skills) may not. Subscriptions cost the robot",
             "# performance, so they are bounded per connection and throttled.",
             "websocket:",
             "  operations: [subscribe, unsubscribe]",
             "  allowed_types:"]
    lines += ["    - " + t for t in types]
    lines += ["  blocked_types: [%s]" % ", ".join(blocked),
              "  min_debounce_ms: %d       # a smaller DebounceMs (0 floods the socket) is raised to this" %
              (250 if readonly else 100),
              "  debounce: clamp",
              "  max_subscriptions: 10",
              "  max_message_bytes: 8192",
              "  messages_per_second: 5"]
    return lines


def generate(readonly):
    endpoints = json.load(open(ENDPOINTS))
    events = json.load(open(EVENTS))
    name = "misty-readonly" if readonly else "misty-safe"
    head = [
        "# %s: generated by config/policies/generate.py from the Misty API catalogue" % name,
        "# (misty-api/endpoints.json, %d endpoints); edit the script's tables, not this file," % len(endpoints),
        "# or copy this file and edit the copy for your own deployment.",
        "#",
    ]
    if readonly:
        head += ["# Read-only: information (battery, device, services, lists) and camera pictures.",
                 "# Nothing that moves, speaks, shows, records, changes settings or runs code."]
    else:
        head += ["# The default for new deployments. Allowed: information reads, expression (face",
                 "# display, LEDs, speech, sounds) and camera pictures, and motion within safe ranges",
                 "# and rates. Blocked: every endpoint in the system and skills categories (updates,",
                 "# reboots, Wi-Fi, services, files, code, skills), perception (detectors, recording,",
                 "# streaming, SLAM), media files on the robot, and every parameter that makes the",
                 "# robot fetch an outside URL. Secrets are removed from responses."]
    head += ["#",
             "# Every rule lists the parameters the docs give; 'default: block' on a rule refuses",
             "# any other parameter. Names compare case-insensitively, wherever they are sent",
             "# (query string or JSON body). See policy/README.md for the format.",
             "default: block   # anything no rule allows is refused", "", "rules:"]
    lines = list(head)
    order = ["motion", "expression", "info", "media", "perception", "system", "skills"]
    blocked_list = []
    for cat in order:
        section = [e for e in endpoints if e["category"] == cat]
        allowed_here = [e for e in section if allowed(e, readonly)]
        blocked_here = [e for e in section if not allowed(e, readonly)]
        blocked_list += blocked_here
        if not allowed_here:
            continue
        lines += ["", "  # ---- %s ----" % cat]
        for e in allowed_here:
            drop = dict(DROP.get(e["name"], {}))
            if readonly:
                drop.update(READONLY_DROP.get(e["name"], {}))
            for path in [e["path"]] + e.get("alt_paths", []):
                lines += rule_lines(e, path, drop, readonly)
    lines += ["", "# Blocked by the default (no rule above allows them):"]
    for e in blocked_list:
        why = BLOCKED.get(e["name"], "category " + e["category"])
        lines.append("#   %-7s %-42s %s: %s" % (e["verb"], e["path"], e["name"], why))
    lines += websocket_lines(events, readonly)
    with open(os.path.join(HERE, name + ".yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


generate(False)
generate(True)
