/// Independent vowels that people often type for one another: ឬ for ឫ
/// (ឬស្សី for ឫស្សី, "bamboo", in many village names) and ឮ for ឭ. Lists
/// filtered as the user types (a village, a province) fold them, so either
/// finds the place. Stored search keys do not: folding them would be a
/// new `SearchKey` version, whose migration re-folds every stored key
/// (and sends every row again at an office's next sync).
public enum LookalikeLetters {
    public static func folded(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value == 0x17AC || $0.value == 0x17AE }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x17AC: scalars.append(Unicode.Scalar(0x17AB)!)
            case 0x17AE: scalars.append(Unicode.Scalar(0x17AD)!)
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
