public enum ChatKitVersion { public static let current = "0.1.0" }
