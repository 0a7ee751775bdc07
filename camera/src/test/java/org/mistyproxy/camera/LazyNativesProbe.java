package org.mistyproxy.camera;

import java.nio.file.Files;
import java.nio.file.Path;

/** Run in its own JVM by {@link LazyNativesTest}: prints markers around the first hold. */
public final class LazyNativesProbe {

    private LazyNativesProbe() {}

    static boolean nativesMapped() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .anyMatch(l -> l.contains("opencv") || l.contains("avutil") || l.contains("jnijavacpp"));
    }

    public static void main(String[] args) throws Exception {
        try (Cameras cameras = new Cameras(CaptureSettings.defaults())) {
            CameraView cam = cameras.add(new CameraSpec("0", "synthetic", 64, 48, 10, java.util.Optional.empty(), 80));
            try {
                cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                System.out.println("PROBE unexpected snapshot without a hold");
            } catch (CameraUnavailableException expected) {
                System.out.println("PROBE idle-message " + expected.getMessage());
            }
            System.out.println("PROBE before-hold natives=" + nativesMapped());
            System.out.flush();
            try (CameraHold hold = cam.hold()) {
                Snapshot s = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                System.out.println("PROBE after-hold natives=" + nativesMapped() + " jpeg=" + s.data().length);
            }
        }
    }
}
