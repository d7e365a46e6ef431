"""Administrative boundaries of Mali (OCHA COD-AB 2021) and the simplified geometry the browser map draws."""
