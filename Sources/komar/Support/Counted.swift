/// "1 change", "2 changes": a count and its noun, for the command line's
/// English lines (the screens' words come from the string table).
func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
}
