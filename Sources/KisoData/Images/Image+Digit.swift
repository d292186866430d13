import Kiso

extension Image {
    /// A picture of one handwritten digit (any size, gray or colour, dark ink on light paper or the
    /// reverse) prepared the way MNIST's digits were: gray; white ink on black (inverted when the
    /// border is lighter than mid-gray); contrast stretched so the paper (the border's mean) becomes
    /// 0 and the brightest ink 255; cropped to the ink; scaled, keeping its aspect, so its
    /// longer side is 20 pixels; and pasted into a black 28×28 image with its centre of mass at
    /// the centre (14, 14), kept inside the frame.
    ///
    /// An image without ink gives a black 28×28 image.
    public func mnistDigit() -> Image {
        var gray = grayscale()
        guard gray.width > 0, gray.height > 0 else { return Image(width: 28, height: 28) }
        if gray.borderMean > 127 { gray = gray.inverted() }
        let paper = gray.borderMean, ink = Double(gray.pixels.max()!)
        if ink > paper {
            gray.pixels = gray.pixels.map { UInt8(min(max((Double($0) - paper) * 255 / (ink - paper), 0), 255).rounded()) }
        }
        // Ink: samples above a quarter of the brightest one (and above a low floor for noise).
        let threshold = max(UInt8(32), gray.pixels.max()! / 4)
        var minX = gray.width, minY = gray.height, maxX = -1, maxY = -1
        for y in 0..<gray.height {
            for x in 0..<gray.width where gray[x, y] > threshold {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return Image(width: 28, height: 28) }
        let cropWidth = maxX - minX + 1, cropHeight = maxY - minY + 1
        var crop = Image(width: cropWidth, height: cropHeight)
        for y in 0..<cropHeight {
            for x in 0..<cropWidth { crop[x, y] = gray[minX + x, minY + y] }
        }
        let scale = 20 / Double(max(cropWidth, cropHeight))
        let box = crop.resized(width: max(1, Int((Double(cropWidth) * scale).rounded())),
                               height: max(1, Int((Double(cropHeight) * scale).rounded())))
        // Centre of mass of the box's ink.
        var mass: Double = 0, mx: Double = 0, my: Double = 0
        for y in 0..<box.height {
            for x in 0..<box.width {
                let v = Double(box[x, y])
                mass += v; mx += v * (Double(x) + 0.5); my += v * (Double(y) + 0.5)
            }
        }
        let cx = mass > 0 ? mx / mass : Double(box.width) / 2
        let cy = mass > 0 ? my / mass : Double(box.height) / 2
        let left = min(max(Int((14 - cx).rounded()), 0), 28 - box.width)
        let top = min(max(Int((14 - cy).rounded()), 0), 28 - box.height)
        var digit = Image(width: 28, height: 28)
        for y in 0..<box.height {
            for x in 0..<box.width { digit[left + x, top + y] = box[x, y] }
        }
        return digit
    }

    /// The mean of the samples on the image's outer edge.
    var borderMean: Double {
        var sum = 0, count = 0
        for y in 0..<height {
            for x in 0..<width where y == 0 || y == height - 1 || x == 0 || x == width - 1 {
                for c in 0..<channels { sum += Int(self[x, y, c]); count += 1 }
            }
        }
        return count == 0 ? 0 : Double(sum) / Double(count)
    }
}
