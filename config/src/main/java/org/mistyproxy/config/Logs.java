package org.mistyproxy.config;

import java.nio.file.Path;

/**
 * Where the server's files logs ({@code access.log} and {@code audit.jsonl}) go and how they rotate.
 *
 * @param dir          the folder of the log files
 * @param maxFileMb    a file is rolled over once it reaches this size (and every day)
 * @param keepDays     rolled-over files older than this are deleted
 * @param totalMb      rolled-over files of one log are deleted oldest first beyond this total
 */
public record Logs(Path dir, int maxFileMb, int keepDays, int totalMb) {

    public static final int DEFAULT_MAX_FILE_MB = 100;
    public static final int DEFAULT_KEEP_DAYS = 30;
    public static final int DEFAULT_TOTAL_MB = 2048;

    /** The defaults, with the files in {@code dir} (the data folder unless configured). */
    public static Logs in(Path dir) {
        return new Logs(dir, DEFAULT_MAX_FILE_MB, DEFAULT_KEEP_DAYS, DEFAULT_TOTAL_MB);
    }
}
