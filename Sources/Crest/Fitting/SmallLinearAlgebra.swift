/// Dense linear algebra for the few-parameter fits Crest does (k ≤ 4): Cholesky solves and inverses
/// of symmetric positive-definite matrices. Plain Swift; no BLAS needed at this size.
enum SmallLinearAlgebra {
    /// The lower-triangular L with A = L·Lᵀ, or nil when A is not positive definite.
    static func cholesky(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 1e-300 else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        return l
    }

    /// Solves A·x = b for symmetric positive-definite A.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        guard let l = cholesky(a) else { return nil }
        let n = b.count
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i][k] * y[k] }
            y[i] = sum / l[i][i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k][i] * x[k] }
            x[i] = sum / l[i][i]
        }
        return x
    }

    /// The inverse of a symmetric positive-definite matrix, column by column.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var columns: [[Double]] = []
        for column in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[column] = 1
            guard let x = solve(a, unit) else { return nil }
            columns.append(x)
        }
        return (0..<n).map { row in (0..<n).map { columns[$0][row] } }
    }

    /// xᵀ·A·x.
    static func quadraticForm(_ a: [[Double]], _ x: [Double]) -> Double {
        var total = 0.0
        for i in x.indices { for j in x.indices { total += x[i] * a[i][j] * x[j] } }
        return total
    }
}
