/// Merging two people's edits of one record, field by field, against the
/// version both started from: a field only the other person changed takes
/// their value; a field only this user changed keeps this user's; a field
/// both changed to different values is a conflict for the user to decide
/// (it keeps this user's value until they do).
public enum ThreeWayMerge {
    public static func merge<Key: Hashable, Value: Equatable>(
        base: [Key: Value], mine: [Key: Value], theirs: [Key: Value]
    ) -> (merged: [Key: Value], conflicts: Set<Key>) {
        var merged: [Key: Value] = [:]
        var conflicts: Set<Key> = []
        for key in Set(base.keys).union(mine.keys).union(theirs.keys) {
            let (b, m, t) = (base[key], mine[key], theirs[key])
            if m == b {
                merged[key] = t
            } else if t == b || t == m {
                merged[key] = m
            } else {
                merged[key] = m
                conflicts.insert(key)
            }
        }
        return (merged.compactMapValues { $0 }, conflicts)
    }
}
