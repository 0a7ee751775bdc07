package org.mistyproxy.camera;

/** One physical source at one size and rate: the unit that gets its own capture loop. */
record SourceKey(SourceAddress address, int width, int height, int fps) {}
