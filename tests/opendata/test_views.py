import re

import pytest
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
class PublicPageTests:
    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_an_anonymous_visitor_drills_down_from_the_country_to_a_region_to_a_school(self, published, client, school_a,
                                                                                       language):
        with translation.override(language):
            country = client.get(reverse("opendata:country"))
            region_url = reverse("opendata:region", args=[school_a.region_id])
            school_url = reverse("opendata:school", args=[school_a.bin])
        assert country.status_code == 200 and region_url in country.content.decode()
        region = client.get(region_url)
        assert region.status_code == 200 and school_url in region.content.decode()
        page = client.get(school_url).content.decode()
        assert school_a.bin in page and published["contracts"][0].number in page and published["payments"][0].reference in page
        assert 'data-testid="open-school-pupils">7<' in page

    def test_a_school_with_fewer_than_five_pupils_shows_under_five(self, published, client, school_b):
        page = client.get(reverse("opendata:school", args=[school_b.bin])).content.decode()
        assert 'data-testid="open-school-pupils">&lt;5<' in page

    def test_search_finds_a_school_by_name_or_bin(self, published, client, school_a, school_b):
        by_name = client.get(reverse("opendata:search"), {"q": "Мектеп А"}).content.decode()
        by_bin = client.get(reverse("opendata:search"), {"q": school_b.bin}).content.decode()
        assert school_a.bin in by_name and school_b.bin not in by_name
        assert school_b.bin in by_bin

    def test_an_order_page_shows_its_queue(self, published, client, school_a):
        order_id = published["contracts"][0].order_id
        page = client.get(reverse("opendata:order", args=[order_id])).content.decode()
        assert 'data-testid="open-table-queue"' in page and school_a.bin in page

    def test_an_orders_queue_sorts_both_ways_each_order_cached_apart(self, published, client, school_a, school_b, school_c,
                                                                     django_assert_max_num_queries):
        import datetime as dt

        from django.utils import timezone

        from opendata.models import PublicApplication, PublicSchool
        from tests.sorting import assert_sorts

        order_id = published["contracts"][0].order_id
        first = PublicApplication.objects.get(order_id=order_id)
        PublicSchool.objects.filter(pk=school_a.pk).update(name_ru="Бета", name_kk="Бета")
        PublicSchool.objects.filter(pk=school_b.pk).update(name_ru="Альфа", name_kk="Гамма")
        PublicSchool.objects.filter(pk=school_c.pk).update(name_ru="Гамма", name_kk="Альфа")
        for n, school in ((2, school_b), (3, school_c)):
            PublicApplication.objects.create(id=10**9 + n, order_id=order_id, region_id=school.region_id, school_id=school.pk,
                                             position=first.position + n, status="submitted",
                                             submitted_at=timezone.now() + dt.timedelta(minutes=n))
        entries = list(PublicApplication.objects.filter(order_id=order_id).order_by("position"))
        with translation.override("ru"):
            url = reverse("opendata:order", args=[order_id])
        assert_sorts(client, url, "position", [e.pk for e in entries], context="queue")
        queue = re.compile(r'data-testid="open-table-queue">.*?</table>', re.S)

        def bins(query, *, cached: bool = False):
            with django_assert_max_num_queries(3 if cached else 50):  # from the cache: the publication, the order, its levels
                html = client.get(url, query).content.decode()
            return re.findall(r"/schools/(\d{12})/", queue.search(html).group(0))

        by_name = [school_b.bin, school_a.bin, school_c.bin]  # Альфа, Бета, Гамма (in Russian)
        for query, expected in (({"sort": "school"}, by_name), ({"sort": "-school"}, by_name[::-1])):
            assert bins(query) == expected
            assert bins(query, cached=True) == expected  # each order its own cache entry
        own = [e.school.bin for e in entries]
        assert bins({}, cached=True) == bins({"sort": "junk"}, cached=True) == own  # an unknown sort: the page's own entry
        with translation.override("kk"):
            kk_url = reverse("opendata:order", args=[order_id])
        html = client.get(kk_url, {"sort": "school"}).content.decode()
        assert re.findall(r"/schools/(\d{12})/", queue.search(html).group(0)) == [school_c.bin, school_a.bin, school_b.bin]

    def test_unknown_regions_schools_and_orders_are_404(self, published, client):
        assert client.get(reverse("opendata:region", args=["99"])).status_code == 404
        assert client.get(reverse("opendata:school", args=["000000000000"])).status_code == 404
        assert client.get(reverse("opendata:order", args=[999999])).status_code == 404

    def test_the_downloads_page_links_every_file(self, published, client):
        page = client.get(reverse("opendata:downloads")).content.decode()
        assert page.count('data-testid="open-file-link"') == published["publication"].files.count()

    def test_a_page_is_served_from_the_cache_until_the_next_publication(self, published, client, school_a,
                                                                         django_assert_max_num_queries):
        from opendata.models import PublicSchool
        from opendata.services import publication_refresh
        from tests.opendata.conftest import AS_OF

        url = reverse("opendata:school", args=[school_a.bin])
        first = client.get(url).content.decode()
        with django_assert_max_num_queries(2):  # the publication and the school (404 or not); the content is cached
            again = client.get(url).content.decode()
        with django_assert_max_num_queries(2):  # a query string the page does not read is the same page, not a new entry
            client.get(url, {"junk": "1"})
        main = re.compile(r"<main.*</main>", re.S)
        assert main.search(again).group(0) == main.search(first).group(0)  # the header's CSRF token is never cached
        PublicSchool.objects.filter(pk=school_a.pk).update(address="Not published yet")
        assert "Not published yet" not in client.get(url).content.decode()
        publication_refresh(trigger="command", as_of=AS_OF)  # a new publication: the page is built again
        assert school_a.address in client.get(url).content.decode()
