package org.mistyproxy.proxy.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real file channel that, while {@link #full} is set, behaves like a file on a full disk: a
 * write lands half its bytes and then fails with ENOSPC's message, and a force fails. Optionally
 * truncation fails too (a file system in trouble), to show the next append repairs the tail.
 */
final class FailingChannel extends FileChannel {
    static final AtomicBoolean full = new AtomicBoolean();
    static final AtomicBoolean truncateFails = new AtomicBoolean();

    private final FileChannel real;

    private FailingChannel(FileChannel real) {
        this.real = real;
    }

    static DurableLog.Channels opener() {
        return f -> new FailingChannel(FileChannel.open(f, StandardOpenOption.WRITE));
    }


    private static IOException noSpace() {
        return new IOException("No space left on device");
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (full.get()) {
            int half = Math.max(1, src.remaining() / 2);
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + half);
            real.write(part, position);
            throw noSpace();
        }
        return real.write(src, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (full.get()) throw noSpace();
        return real.write(src);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (full.get()) throw noSpace();
        real.force(metaData);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (truncateFails.get()) throw new IOException("Input/output error");
        real.truncate(size);
        return this;
    }

    @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (full.get()) throw noSpace();
        return real.write(srcs, offset, length);
    }
    @Override public long position() throws IOException { return real.position(); }
    @Override public FileChannel position(long newPosition) throws IOException { real.position(newPosition); return this; }
    @Override public long size() throws IOException { return real.size(); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return real.transferTo(position, count, target); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { return real.transferFrom(src, position, count); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return real.map(mode, position, size); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return real.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return real.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { real.close(); }
}
