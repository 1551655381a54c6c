/// Crest's version, written into every run.json.
public enum CrestVersion {
    public static let current = "0.1.0"
}
