// Shared by the tests: small PDFs written by hand (a catalog, a page tree, a base-14 font and a
// content stream a page, with a true cross-reference table), for Poppler to draw.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace bangtin::testing {

inline constexpr double kA4Width = 595.28;  // pt
inline constexpr double kA4Height = 841.89;

struct TestPage {
  double width = kA4Width;
  double height = kA4Height;
  std::string content;  // the page's content stream; F1 is Helvetica
  int rotate = 0;
};

// A page of that size with nothing on it.
inline TestPage blank_page(double width, double height) {
  TestPage page;
  page.width = width;
  page.height = height;
  return page;
}

// A PDF file's bytes. `encrypt` is an /Encrypt dictionary for the trailer, or nothing.
inline std::string make_pdf(const std::vector<TestPage>& pages, const std::string& encrypt = "") {
  std::vector<std::string> objects;  // object n is objects[n - 1]
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("");  // the page tree, once its kids are known
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  std::string kids;
  for (const TestPage& page : pages) {
    const int number = static_cast<int>(objects.size()) + 1;
    char box[96];
    std::snprintf(box, sizeof box, "[0 0 %.2f %.2f]", page.width, page.height);
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox " + std::string(box) + " /Rotate " +
                      std::to_string(page.rotate) +
                      " /Resources << /Font << /F1 3 0 R >> >> /Contents " +
                      std::to_string(number + 1) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(page.content.size()) + " >>\nstream\n" +
                      page.content + "\nendstream");
    kids += std::to_string(number) + " 0 R ";
  }
  objects[1] =
      "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";

  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const std::size_t offset : offsets) {
    char entry[24];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R " + encrypt +
         " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace bangtin::testing
