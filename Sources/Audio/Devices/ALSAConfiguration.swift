import CALSA
import Foundation
import Synchronization

/// A private ALSA configuration tree the devices open their PCM names in (`snd_pcm_open_lconf`),
/// so that the agent can ship its own PCM definitions and tests need neither `~/.asoundrc` nor
/// environment variables.
///
/// Built from configuration text in `asoundrc` syntax (`pcm.name { type ... }`), optionally on
/// top of a copy of the system's configuration (`/usr/share/alsa/alsa.conf` and what it
/// includes), which is what makes `hw:`, `plughw:`, `default`, `dmix`... resolvable. Without the
/// system part, only the names the text defines exist. The tree is not changed after `init`;
/// opening a device through it is serialised by a lock (opening is never on the audio path).
public final class ALSAConfiguration: @unchecked Sendable {
    /// The `snd_config_t` root: owned, deleted in `deinit`, only read after `init`, and only
    /// under `lock` (which is what makes the class Sendable).
    private let root: OpaquePointer
    private let lock = Mutex(())
    /// Where the text came from, for errors: a path, or "ALSA configuration text".
    public let origin: String

    /// Parses `text` (asoundrc syntax).
    ///
    /// - Parameter includingSystemConfiguration: load a copy of the system configuration
    ///   first, so that the text may add to it and refer to its names (`hw:0`, `default`).
    /// - Throws: ``AudioDeviceError`` with ALSA's code when the text does not parse (ALSA
    ///   prints the line and column to stderr).
    public convenience init(text: String, includingSystemConfiguration: Bool = false) throws(AudioDeviceError) {
        try self.init(text: text, origin: "ALSA configuration text", includingSystemConfiguration: includingSystemConfiguration)
    }

    /// Reads and parses the configuration file at `path`.
    public convenience init(contentsOf path: String, includingSystemConfiguration: Bool = false) throws(AudioDeviceError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AudioDeviceError(device: path, operation: "read ALSA configuration", reason: "\(error)")
        }
        try self.init(text: text, origin: path, includingSystemConfiguration: includingSystemConfiguration)
    }

    private init(text: String, origin: String, includingSystemConfiguration: Bool) throws(AudioDeviceError) {
        self.origin = origin
        var tree: OpaquePointer?
        if includingSystemConfiguration {
            var system: OpaquePointer?
            try Self.check(snd_config_update_ref(&system), origin, "load the system configuration")
            defer { snd_config_unref(system) }
            try Self.check(snd_config_copy(&tree, system), origin, "copy the system configuration")
        } else {
            try Self.check(snd_config_top(&tree), origin, "create a configuration")
        }
        guard let tree else {
            throw AudioDeviceError(device: origin, operation: "create a configuration", reason: "ALSA returned no tree")
        }
        var input: OpaquePointer?
        let opened = text.withCString { snd_input_buffer_open(&input, $0, -1) }
        guard opened >= 0, let input else {
            snd_config_delete(tree)
            throw Self.error(opened, origin, "open the configuration text")
        }
        let loaded = snd_config_load(tree, input)
        snd_input_close(input)
        guard loaded >= 0 else {
            snd_config_delete(tree)
            throw Self.error(loaded, origin, "parse the configuration")
        }
        self.root = tree
    }

    deinit {
        snd_config_delete(root)
    }

    /// Opens `name` in this tree (`snd_pcm_open_lconf`), holding the lock.
    func openPCM(_ pcm: inout OpaquePointer?, name: String, stream: snd_pcm_stream_t) -> Int32 {
        lock.withLock { _ in
            name.withCString { snd_pcm_open_lconf(&pcm, $0, stream, 0, root) }
        }
    }

    private static func check(_ result: Int32, _ origin: String, _ operation: String) throws(AudioDeviceError) {
        if result < 0 { throw error(result, origin, operation) }
    }

    private static func error(_ result: Int32, _ origin: String, _ operation: String) -> AudioDeviceError {
        AudioDeviceError(device: origin, operation: operation, code: result, reason: String(cString: snd_strerror(result)))
    }
}
