"""Someone using a page: with the pointer, or with the keyboard alone (Tab to reach a
control, Enter to follow a link, Space to press a button or tick a box, arrow keys in a
list). A control Tab never reaches fails the keyboard journey."""

from playwright.sync_api import Locator, Page

# More stops than the longest page has before its last control (a unit page's list of
# former units, the header's links, the subscription form): Tab goes round the page.
MAX_TABS = 300
MAX_ARROWS = 400


class Visitor:
    def __init__(self, page: Page, *, keyboard: bool):
        self.page, self.keyboard = page, keyboard

    def type_into(self, field: Locator, text: str) -> None:
        if self.keyboard:
            self.reach(field)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(text)
        else:
            field.fill(text)

    def use(self, control: Locator) -> None:
        """Follow a link (Enter) or press a button (Space)."""
        if self.keyboard:
            self.reach(control)
            is_link = control.evaluate("element => element.tagName === 'A'")
            self.page.keyboard.press("Enter" if is_link else "Space")
        else:
            control.click()

    def use_menu(self, name: str) -> None:
        """Follow a link of the site's main menu, opening it first where it is folded
        away (a phone's screen)."""
        menu = self.page.get_by_role("navigation", name="Điều hướng chính")
        link = menu.get_by_role("link", name=name, exact=True)
        if not link.is_visible():
            self.use(self.page.get_by_role("banner").get_by_text("Danh mục", exact=True))
        self.use(link)

    def tick(self, checkbox: Locator) -> None:
        if self.keyboard:
            self.reach(checkbox)
            self.page.keyboard.press("Space")
        else:
            checkbox.check()

    def choose(self, select: Locator, option: str) -> None:
        if not self.keyboard:
            select.select_option(label=option)
            return
        self.reach(select)
        shown = "s => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text"
        for _ in range(MAX_ARROWS):
            if select.evaluate(shown) == option:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"“{option}” was not reached with the arrow keys in {select}")

    def reach(self, target: Locator) -> None:
        """Press Tab until `target` has the focus."""
        target.wait_for(state="visible")
        for _ in range(MAX_TABS):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{target} was not reached with {MAX_TABS} presses of Tab")
