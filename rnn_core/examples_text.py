"""Reviews written for RNN Lens to show what a recurrent network does with order, negation and memory."""

EXAMPLE_REVIEWS = {
    "Short and glowing": "that was phenomenal",
    "Clear positive": "A warm, funny and beautifully acted film that I would gladly watch again.",
    "Clear negative": "The plot is dull, the jokes fall flat and the acting is painfully wooden.",
    "Negation: not good": "This movie is not good.",
    "Negation: not bad at all": "Honestly, it's not bad at all.",
    "Contrast: slow start, wonderful end": "The start was slow but the ending was wonderful.",
    "Contrast: great cast, awful script": "The cast is great, but the script is awful.",
    "Unknown words": "The cinematografy was splendiferous and the soundtrak was grooveriffic!",
    "Long review: early words fade": (
        "What a brilliant, moving and beautifully shot opening scene. After that the film follows a family as they "
        "drive across the country, stop in a few small towns, visit some old neighbours, talk about the weather and "
        "the price of petrol, and finally arrive home late on a sunday evening."
    ),
}
