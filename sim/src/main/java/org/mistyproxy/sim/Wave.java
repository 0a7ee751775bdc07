package org.mistyproxy.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A valid PCM WAV file of silence, for the system audio assets a fresh robot ships with. */
final class Wave {
    private Wave() {}

    static byte[] silence(int millis) {
        int rate = 16000;
        int samples = rate * millis / 1000;
        int dataBytes = samples * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        return b.array();
    }
}
