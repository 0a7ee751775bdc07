package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Camera, images and audio: take a picture, list, upload, download, delete and play. Uploads take
 * a JSON body with base64 {@code Data}, a multipart form with a file part, or the raw file as the
 * body with the arguments in the query string.
 */
final class MediaCommands {
    private final MediaStore images;
    private final MediaStore audio;
    private final CameraSnapshot camera;
    private final RobotState state;
    private final ObjectMapper json;
    private final EventStream events;

    MediaCommands(MediaStore images, MediaStore audio, CameraSnapshot camera, RobotState state,
                  ObjectMapper json, EventStream events) {
        this.images = images;
        this.audio = audio;
        this.camera = camera;
        this.state = state;
        this.json = json;
        this.events = events;
    }

    void registerWith(RobotCommands commands) {
        commands.register("TakePicture", this::takePicture);
        commands.register("GetImageList", call -> new Reply.Result(list(images, true)));
        commands.register("GetAudioList", call -> new Reply.Result(list(audio, false)));
        commands.register("GetImage", call -> get(call, images, true));
        commands.register("GetAudioFile", call -> get(call, audio, false));
        commands.register("SaveImage", call -> save(call, images, true));
        commands.register("SaveAudio", call -> save(call, audio, false));
        commands.register("DeleteImage", call -> delete(call, images));
        commands.register("DeleteAudio", call -> delete(call, audio));
        commands.register("PlayAudio", call -> {
            call.args().validate();
            String name = call.args().requireText("FileName");
            boolean url = name.toLowerCase(Locale.ROOT).matches("^(https?|rtsp)://.*");
            if (!url && !audio.exists(name)) {
                throw new BadArgument("Cannot PlayAudio - Audio file '" + name + "' not found.");
            }
            state.played(name);
            events.audioPlayComplete(name);
            return new Reply.Result(json.getNodeFactory().textNode(""));
        });
    }

    private Reply takePicture(Call call) throws IOException {
        Arguments a = call.args();
        a.validate();
        int width = a.integer("Width").map(Long::intValue).orElse(CameraSnapshot.DEFAULT_WIDTH);
        int height = a.integer("Height").map(Long::intValue).orElse(CameraSnapshot.DEFAULT_HEIGHT);
        byte[] jpeg = camera.jpeg(width, height);
        String name = a.text("FileName").filter(n -> !n.isBlank()).orElse(null);
        if (name != null) {
            String stored = name.toLowerCase(Locale.ROOT).endsWith(".jpg") ? name : name + ".jpg";
            images.save(stored, target -> Files.write(target, jpeg), a.bool("OverwriteExisting").orElse(false),
                    file -> new int[] {width, height});
            name = stored;
        }
        if (!a.bool("Base64").orElse(false)) {
            return new Reply.Bytes("image/jpeg", jpeg);
        }
        ObjectNode r = json.createObjectNode();
        r.put("base64", Base64.getEncoder().encodeToString(jpeg));
        r.put("contentType", "image/jpeg");
        r.put("height", height);
        r.put("name", name == null ? "TakePicture.jpg" : name);
        r.put("systemAsset", false);
        r.put("width", width);
        return new Reply.Result(r);
    }

    private ArrayNode list(MediaStore store, boolean withSize) {
        ArrayNode out = json.createArrayNode();
        for (MediaStore.Asset asset : store.list()) {
            ObjectNode o = out.addObject();
            o.put("name", asset.name());
            if (withSize) {
                o.put("height", asset.height());
                o.put("width", asset.width());
            }
            o.put("systemAsset", asset.systemAsset());
            o.put("userAddedAsset", !asset.systemAsset());
        }
        return out;
    }

    private Reply get(Call call, MediaStore store, boolean image) throws IOException {
        Arguments a = call.args();
        a.validate();
        String name = a.requireText("FileName");
        MediaStore.Asset asset = store.find(name).orElseThrow(() -> new BadArgument(
                "Cannot " + call.endpoint().name() + " - File '" + name + "' not found."));
        boolean base64 = a.bool("Base64").orElse(image); // the docs' defaults: true for images, false for audio
        String type = MediaStore.contentType(asset.name());
        if (!base64) {
            if (asset.file() == null) {
                return new Reply.Bytes(type, systemAssetBytes(asset, image));
            }
            return new Reply.File(type, asset.file(), asset.size());
        }
        byte[] bytes = asset.file() == null ? systemAssetBytes(asset, image) : Files.readAllBytes(asset.file());
        ObjectNode r = json.createObjectNode();
        r.put("base64", Base64.getEncoder().encodeToString(bytes));
        r.put("contentType", type);
        if (image) {
            r.put("height", asset.height());
            r.put("width", asset.width());
        }
        r.put("name", asset.name());
        r.put("systemAsset", asset.systemAsset());
        return new Reply.Result(r);
    }

    private byte[] systemAssetBytes(MediaStore.Asset asset, boolean image) {
        return image ? camera.jpeg(asset.width(), asset.height()) : Wave.silence(200);
    }

    private Reply save(Call call, MediaStore store, boolean image) throws IOException {
        Arguments a = call.args();
        a.validate();
        String name = a.requireText("FileName");
        boolean overwrite = a.bool("OverwriteExisting").orElse(false);
        Integer width = a.integer("Width").map(Long::intValue).orElse(null);
        Integer height = a.integer("Height").map(Long::intValue).orElse(null);
        java.util.function.Function<Path, int[]> dimensions = !image ? file -> new int[] {0, 0} : file -> {
            int[] read = imageSize(file);
            return new int[] {width != null ? width : read[0], height != null ? height : read[1]};
        };
        MediaStore.Asset saved;
        if (call.multipart() != null) {
            MultipartBody.Part file = call.multipart().firstFile().orElseThrow(() -> new BadArgument(
                    "Cannot " + call.endpoint().name() + " - the multipart form has no file part."));
            saved = store.save(name, file::copyTo, overwrite, dimensions);
        } else if (a.has("Data")) {
            byte[] data;
            try {
                data = Base64.getMimeDecoder().decode(stripDataUrl(a.requireText("Data")));
            } catch (IllegalArgumentException bad) {
                throw new BadArgument("Cannot " + call.endpoint().name() + " - Parameter 'Data' is not valid base64: " + bad.getMessage());
            }
            saved = store.save(name, target -> Files.write(target, data), overwrite, dimensions);
        } else if (call.json() == null && call.body().size() > 0) {
            saved = store.save(name, call.body()::moveTo, overwrite, dimensions);
        } else {
            throw new BadArgument("Cannot " + call.endpoint().name() + " - supply the file as Data (base64), "
                    + "as a multipart file part, or as the raw request body.");
        }
        ArrayNode r = json.createArrayNode();
        ObjectNode o = r.addObject();
        o.put("name", saved.name());
        if (image) {
            o.put("height", saved.height());
            o.put("width", saved.width());
        }
        o.put("systemAsset", false);
        o.put("userAddedAsset", true);
        return new Reply.Result(r);
    }

    private static String stripDataUrl(String data) {
        int comma = data.indexOf(',');
        return data.startsWith("data:") && comma > 0 ? data.substring(comma + 1) : data;
    }

    /** Reads only the image header; a file that is not an image gets 0x0. */
    private static int[] imageSize(Path file) {
        try (InputStream in = Files.newInputStream(file); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(iis);
                    return new int[] {reader.getWidth(0), reader.getHeight(0)};
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not an image the JDK can read: keep 0x0
        }
        return new int[] {0, 0};
    }

    private Reply delete(Call call, MediaStore store) throws IOException {
        call.args().validate();
        String name = call.args().requireText("FileName");
        if (!store.delete(name)) {
            throw new BadArgument("Cannot " + call.endpoint().name() + " - File '" + name + "' not found.");
        }
        return new Reply.Result(json.getNodeFactory().booleanNode(true));
    }
}
